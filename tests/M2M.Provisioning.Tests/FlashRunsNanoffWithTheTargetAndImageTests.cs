using M2M.Provisioning.Tests.Support;

namespace M2M.Provisioning.Tests;

/// <summary>
/// `m2m device flash`: the runtime written and the image deployed in the installed nanoff's command
/// line (one dashed run before 3.0, flash then deploy from 3.0); bad targets and images refused.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class FlashRunsNanoffWithTheTargetAndImageTests : IDisposable
{
    private readonly TestFiles _files = new();
    private readonly StandInNanoff _nanoff = new();

    [SkippableFact]
    public async Task ADashedNanoffFlashesAndDeploysInOneRun()
    {
        var image = await WriteImageAsync();

        var result = await M2mCommand.RunAsync("device", "flash", "--target", "ESP32_C3", "--serial-port", "/dev/ttyACM0", "--image", image, "--fw-version", "1.12.0.4", "--mass-erase", "--nanoff", _nanoff.Path);

        Assert.True(result.ExitCode == 0, result.Error);
        var call = Assert.Single(_nanoff.Calls);
        Assert.Equal($"--target ESP32_C3 --serialport /dev/ttyACM0 --update --masserase --fwversion 1.12.0.4 --deploy --image {image}", call);
        Assert.Contains("nanoff 2.5.90 (dashed options)", result.Output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task ANanoffWithVerbsFlashesThenDeploys()
    {
        using var nanoff = new StandInNanoff(version: StandInNanoff.VerbsVersion);
        var image = await WriteImageAsync();

        var result = await M2mCommand.RunAsync("device", "flash", "--target", "ESP32_C6_THREAD", "--serial-port", "/dev/ttyACM0", "--image", image, "--fw-version", "1.12.0.4", "--mass-erase", "--nanoff", nanoff.Path);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(
            [
                "flash target ESP32_C6_THREAD serialport /dev/ttyACM0 masserase fwversion 1.12.0.4",
                $"deploy target ESP32_C6_THREAD serialport /dev/ttyACM0 image {image}",
            ],
            nanoff.Calls);
        Assert.Contains("nanoff 3.0.12 (verbs)", result.Output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task AFailedFlashStopsBeforeTheDeploy()
    {
        using var nanoff = new StandInNanoff(exitCode: 3, version: StandInNanoff.VerbsVersion);
        var image = await WriteImageAsync();

        var result = await M2mCommand.RunAsync("device", "flash", "--target", "ESP32_REV3", "--serial-port", "/dev/ttyUSB0", "--image", image, "--nanoff", nanoff.Path);

        Assert.Equal(11, result.ExitCode);
        Assert.StartsWith("flash ", Assert.Single(nanoff.Calls), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task ANanoffThatPrintsNoVersionIsReportedAndNotRun()
    {
        var script = Path.Combine(_files.Folder, "nanoff");
        await File.WriteAllTextAsync(script, "#!/bin/sh\necho 'usage: ...'\nexit 1\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var result = await M2mCommand.RunAsync("device", "flash", "--target", "ESP32_REV0", "--serial-port", "/dev/ttyUSB0", "--image", await WriteImageAsync(), "--nanoff", script);

        Assert.Equal(11, result.ExitCode);
        Assert.Contains("printed no version", result.Error, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task ARetiredTargetNameIsRefusedWithItsSuccessor()
    {
        var result = await M2mCommand.RunAsync("device", "flash", "--target", "ESP32_S3_ALL", "--serial-port", "/dev/ttyACM0", "--image", await WriteImageAsync(), "--nanoff", _nanoff.Path);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("use ESP32_S3_OCTAL", result.Error, StringComparison.Ordinal);
        Assert.Empty(_nanoff.Calls);
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

    private async Task<string> WriteImageAsync()
    {
        var image = Path.Combine(_files.Folder, "M2M.Device.Esp32.bin");
        await File.WriteAllBytesAsync(image, [1, 2, 3]);
        return image;
    }

    public void Dispose()
    {
        _nanoff.Dispose();
        _files.Dispose();
    }
}
