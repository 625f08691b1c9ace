using M2M.Provisioning.Tests.Support;

namespace M2M.Provisioning.Tests;

/// <summary>`m2m device flash`: one nanoff run that writes the runtime and deploys the image; bad targets and images refused.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class FlashRunsNanoffWithTheTargetAndImageTests : IDisposable
{
    private readonly TestFiles _files = new();
    private readonly StandInNanoff _nanoff = new();

    [SkippableFact]
    public async Task FlashesTheRuntimeAndDeploysTheImage()
    {
        var image = Path.Combine(_files.Folder, "M2M.Device.Esp32.bin");
        await File.WriteAllBytesAsync(image, [1, 2, 3]);

        var result = await M2mCommand.RunAsync("device", "flash", "--target", "ESP32_C3", "--serial-port", "/dev/ttyACM0", "--image", image, "--fw-version", "1.12.0.4", "--nanoff", _nanoff.Path);

        Assert.True(result.ExitCode == 0, result.Error);
        var call = Assert.Single(_nanoff.Calls);
        Assert.Equal($"--target ESP32_C3 --serialport /dev/ttyACM0 --update --fwversion 1.12.0.4 --deploy --image {image}", call);
    }

    [SkippableTheory]
    [InlineData("ESP32_WROOM", "unknown target")]
    [InlineData("ESP32_REV0", "is not a deployment image")]
    public async Task RefusesUnknownTargetsAndMissingImages(string target, string message)
    {
        var result = await M2mCommand.RunAsync("device", "flash", "--target", target, "--serial-port", "COM3", "--image", Path.Combine(_files.Folder, "missing.bin"), "--nanoff", _nanoff.Path);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.Empty(_nanoff.Calls);
    }

    public void Dispose()
    {
        _nanoff.Dispose();
        _files.Dispose();
    }
}
