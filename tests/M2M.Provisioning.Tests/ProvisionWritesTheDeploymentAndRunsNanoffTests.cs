using System.Text.Json.Nodes;
using M2M.Device.Core.App;
using M2M.Device.Core.Crypto;
using M2M.Device.Core.Host.Platform;
using M2M.Device.Core.Storage;
using M2M.Provisioning.Tests.Support;

namespace M2M.Provisioning.Tests;

/// <summary>
/// `m2m device provision` with an existing secret: the nanoff command lines, the two descriptors in
/// nanoff's formats, the credential and configuration read back by the device core, and the secrets
/// removed afterwards.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ProvisionWritesTheDeploymentAndRunsNanoffTests : IDisposable
{
    private readonly TestFiles _files = new();
    private readonly StandInNanoff _nanoff = new();

    [SkippableTheory]
    [InlineData(StandInNanoff.DashedVersion, @"^--serialport /dev/ttyUSB7 --filedeployment \S+/deploy-files\.json$", @"^--serialport /dev/ttyUSB7 --networkdeployment \S+/deploy-network\.json$")]
    [InlineData(StandInNanoff.VerbsVersion, @"^deploy file \S+/deploy-files\.json serialport /dev/ttyUSB7$", @"^deploy network \S+/deploy-network\.json serialport /dev/ttyUSB7$")]
    public async Task WritesCredentialConfigurationWifiAndCaWithNanoffThenDeletesThem(string nanoffVersion, string filesCall, string networkCall)
    {
        using var nanoff = new StandInNanoff(version: nanoffVersion);
        var result = await M2mCommand.RunAsync(
            "device", "provision", "sensor-0001", "--gateway", "https://gw.example:5443", "--serial-port", "/dev/ttyUSB7",
            "--secret-file", _files.SecretFile, "--ca-cert", _files.CaFile, "--wifi-ssid", "lab-net", "--wifi-password-file", _files.WifiPasswordFile,
            "--mqtt-port", "8883", "--interval", "15", "--outbox-capacity", "48", "--nanoff", nanoff.Path, "--work-dir", _files.WorkDir);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.DoesNotContain(TestFiles.WifiPassword, result.Output + result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(TestFiles.Secret, result.Output + result.Error, StringComparison.Ordinal);

        // Two nanoff runs in the installed nanoff's syntax: file deployment, then network deployment.
        Assert.Equal(2, nanoff.Calls.Count);
        Assert.Matches(filesCall, nanoff.Calls[0]);
        Assert.Matches(networkCall, nanoff.Calls[1]);

        // File deployment: nanoff's FileDeploymentConfiguration, everything to I:\.
        var files = JsonNode.Parse(File.ReadAllText(Path.Combine(nanoff.CopyOfCall(1), "deploy-files.json")))!;
        Assert.Equal("/dev/ttyUSB7", (string?)files["SerialPort"]);
        var destinations = files["Files"]!.AsArray().Select(f => (string)f!["DestinationFilePath"]!).ToArray();
        Assert.Equal(["I:\\" + CredentialStore.SlotA, "I:\\" + CredentialStore.SlotB, "I:\\" + DeviceConfig.FileName], destinations);

        // Network deployment: nanoff's NetworkDeploymentConfiguration, Wi-Fi client and CA certificate.
        var network = JsonNode.Parse(File.ReadAllText(Path.Combine(nanoff.CopyOfCall(2), "deploy-network.json")))!;
        Assert.Equal("lab-net", (string?)network["WirelessClient"]!["Ssid"]);
        Assert.Equal(TestFiles.WifiPassword, (string?)network["WirelessClient"]!["Password"]);
        Assert.Equal("AutoConnect", (string?)network["WirelessClient"]!["ConfigurationOption"]);
        Assert.EndsWith("/gateway-ca.pem", (string?)network["CACertificatesPath"], StringComparison.Ordinal);
        Assert.Equal(TestFiles.CaPem, File.ReadAllText(Path.Combine(nanoff.CopyOfCall(2), "gateway-ca.pem")));

        // The device core reads back what was deployed, exactly as the board will.
        var drive = new HostFileStore(nanoff.CopyOfCall(1));
        var credential = new CredentialStore(drive).Load();
        Assert.NotNull(credential);
        Assert.Equal("sensor-0001", credential.DeviceId);
        Assert.Equal(Base64Url.Decode(TestFiles.Secret), credential.Secret);
        Assert.Equal("https://gw.example:5443/oauth2/token", credential.TokenEndpoint);
        Assert.Equal("gw.example", credential.MqttHost);
        Assert.Equal(8883, credential.MqttPort);
        Assert.True(credential.MqttTls);
        Assert.Equal(TestFiles.CaPem, credential.CaCertificatePem);
        var config = DeviceConfig.Parse(drive.ReadAll(DeviceConfig.FileName));
        Assert.Null(config.Error);
        Assert.Equal(15, config.Config!.TelemetryIntervalSeconds);
        Assert.Equal(48, config.Config.OutboxCapacity);

        // Nothing secret is left behind.
        Assert.Empty(Directory.GetFileSystemEntries(_files.WorkDir));
    }

    [SkippableFact]
    public async Task KeepFilesLeavesAFolderOnlyTheUserCanRead()
    {
        var result = await M2mCommand.RunAsync(
            "device", "provision", "sensor-0002", "--gateway", "https://gw.example", "--serial-port", "COM3",
            "--secret-file", _files.SecretFile, "--ca-cert", _files.CaFile, "--mqtt-port", "8883", "--nanoff", _nanoff.Path, "--work-dir", _files.WorkDir, "--keep-files");

        Assert.True(result.ExitCode == 0, result.Error);
        var kept = Assert.Single(Directory.GetDirectories(_files.WorkDir));
        Assert.Contains(kept, result.Output, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(kept));
        foreach (var file in Directory.GetFiles(kept))
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        // No SSID given: the network deployment carries only the CA certificate.
        var network = JsonNode.Parse(File.ReadAllText(Path.Combine(kept, "deploy-network.json")))!;
        Assert.Null(network["WirelessClient"]);
        Assert.NotNull(network["CACertificatesPath"]);
    }

    [SkippableFact]
    public async Task AFailingNanoffStopsWithItsExitCodeAndStillDeletesTheSecrets()
    {
        using var failing = new StandInNanoff(exitCode: 2);

        var result = await M2mCommand.RunAsync(
            "device", "provision", "sensor-0003", "--gateway", "https://gw.example", "--serial-port", "COM3",
            "--secret-file", _files.SecretFile, "--ca-cert", _files.CaFile, "--mqtt-port", "8883", "--nanoff", failing.Path, "--work-dir", _files.WorkDir);

        Assert.Equal(11, result.ExitCode);
        Assert.Contains("nanoff failed (exit code 2)", result.Error, StringComparison.Ordinal);
        Assert.Single(failing.Calls);
        Assert.Empty(Directory.GetFileSystemEntries(_files.WorkDir));
    }

    [SkippableFact]
    public async Task AMissingNanoffSaysHowToInstallItBeforeAnythingIsWritten()
    {
        var result = await M2mCommand.RunAsync(
            "device", "provision", "sensor-0004", "--gateway", "https://gw.example", "--serial-port", "COM3",
            "--secret-file", _files.SecretFile, "--ca-cert", _files.CaFile, "--mqtt-port", "8883", "--nanoff", Path.Combine(_files.Folder, "no-nanoff"), "--work-dir", _files.WorkDir);

        Assert.Equal(10, result.ExitCode);
        Assert.Contains("dotnet tool install -g nanoff", result.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_files.WorkDir));
    }

    [SkippableTheory]
    [InlineData("Sensor_1", "is not a device id")]
    [InlineData("sensor-0005", "--ca-cert is required")]
    public async Task BadInputIsRefusedBeforeNanoffRuns(string id, string message)
    {
        var result = await M2mCommand.RunAsync(
            "device", "provision", id, "--gateway", "https://gw.example", "--serial-port", "COM3",
            "--secret-file", _files.SecretFile, "--nanoff", _nanoff.Path, "--work-dir", _files.WorkDir);

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
