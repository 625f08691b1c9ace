using System.Globalization;
using M2M.Device.Core.App;
using M2M.Device.Core.Host.Platform;
using M2M.Device.Core.Session;
using M2M.Gateway.Tests.Support;
using M2M.Provisioning.Tests.Support;
using M2M.Testing;

namespace M2M.Provisioning.Tests;

/// <summary>
/// The "done when": `m2m device provision` against the real gateway registers the device and
/// produces a deployment that the device core's host build, reading the very files nanoff would write
/// to I:\, starts from: it gets a token from the token endpoint, connects to the MQTT ingress and
/// publishes signed telemetry that the gateway verifies, journals and relays.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ProvisionedBoardConnectsAndPublishesToTheGatewayTests : IAsyncLifetime, IDisposable
{
    private readonly TestFiles _files = new();
    private readonly StandInNanoff _nanoff = new();
    private readonly int _mqttPort = LoopbackPort.Free();
    private GatewayProcess _gateway = null!;

    public async Task InitializeAsync()
    {
        _gateway = await GatewayProcess.StartAsync(
            "M2M.Gateway.dll",
            null,
            "--Gateway:Admin:InitialKeyFile", "admin.key",
            "--Gateway:Mqtt:Port", _mqttPort.ToString(CultureInfo.InvariantCulture));
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    public void Dispose()
    {
        _nanoff.Dispose();
        _files.Dispose();
    }

    [SkippableFact]
    public async Task TheDeploymentReadBackByTheDeviceCoreConnectsAndPublishes()
    {
        var provision = await M2mCommand.RunAsync(
            "device", "provision", "e2e-0001", "--gateway", _gateway.BaseAddress.ToString(),
            "--admin-key-file", Path.Combine(_gateway.DataDirectory, "admin.key"), "--tenant", "lab",
            "--mqtt-plain", "--mqtt-host", "127.0.0.1",
            "--interval", "60", "--serial-port", "/dev/ttyUSB0", "--nanoff", _nanoff.Path, "--work-dir", _files.WorkDir);
        Assert.True(provision.ExitCode == 0, provision.Error + provision.Output);

        // The board's drive, as nanoff's file deployment would leave it.
        var hmac = new HostHmacSha256();
        var random = new HostRandom();
        using var connections = new HostConnections(hmac, random, TimeSpan.FromSeconds(10));
        var platform = new DevicePlatform(new HostFileStore(_nanoff.CopyOfCall(1)), new HostClock(), random, hmac, new HostNetworkLink(), null, new HostDeviceStatus(), connections);
        var app = new DeviceApplication(platform);

        Assert.True(app.Start(), app.LastError);
        Assert.Equal(1u, app.Epoch);
        var session = new Thread(app.Session!.Run) { IsBackground = true };
        session.Start();
        try
        {
            app.Tick();

            var sink = Path.Combine(_gateway.DataDirectory, "telemetry.jsonl");
            await Eventually.TrueAsync(() => app.Session.Acknowledged >= 1, $"a PUBACK (state {app.Session.State}, reason {app.Session.LastReasonCode})");
            Assert.Equal(1, app.Session.Acknowledged);
            Assert.Equal(SessionState.Connected, app.Session.State);
            // The relay writes the record after the PUBACK; wait for the line itself, not just the file.
            await Eventually.TrueAsync(async () => File.Exists(sink) && (await ReadSharedAsync(sink)).Contains("e2e-0001/1/1/1", StringComparison.Ordinal), "the relayed record");
        }
        finally
        {
            app.Session.Stop();
            session.Join(TimeSpan.FromSeconds(10));
        }
    }

    private static async Task<string> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }
}
