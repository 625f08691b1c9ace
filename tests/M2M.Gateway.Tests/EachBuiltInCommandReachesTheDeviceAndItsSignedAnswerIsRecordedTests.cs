using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using M2M.Device.Core.App;
using M2M.Device.Core.Host.App;
using M2M.Device.Core.Platform;
using M2M.Gateway.Https;
using M2M.Gateway.Tests.Support;
using M2M.Testing;
using DeviceCredential = M2M.Device.Core.Storage.DeviceCredential;

namespace M2M.Gateway.Tests;

/// <summary>
/// Cloud-to-device commands end to end on loopback (docs/protocol.md section 11), nothing stood in:
/// the real gateway process, its admin API, and the device application of the host build (token
/// client, session, command processor, configuration file on a drive folder). A command queued while
/// the device is offline waits durably and reaches it once it connects; each built-in command is
/// answered with a signed result the gateway records; the device's drive shows what set-config wrote
/// and the reboot command restarts it after its answer.
/// </summary>
public sealed class EachBuiltInCommandReachesTheDeviceAndItsSignedAnswerIsRecordedTests : IAsyncLifetime
{
    private const string DeviceId = "valve-0007";
    private AdminGateway _gateway = null!;
    private string _drive = null!;

    public async Task InitializeAsync()
    {
        _gateway = await AdminGateway.StartAsync();
        _drive = Directory.CreateTempSubdirectory("m2m-device-").FullName;
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        Directory.Delete(_drive, true);
    }

    [Fact]
    public async Task PingSetConfigRebootAndAnUnknownCommandAreEachAnswered()
    {
        var secret = await _gateway.AddDeviceAsync(DeviceId);

        // Queued while the device is offline: kept until it connects.
        var ping = await QueueAsync(new { name = "ping" });
        Assert.Equal(1, ping.GetProperty("sequence").GetInt64());
        Assert.Equal("queued", ping.GetProperty("status").GetString());

        var restart = new CountingRestart();
        using var device = await StartDeviceAsync(secret, restart);

        var answered = await CompletedAsync(1);
        Assert.Equal("ok", answered.GetProperty("status").GetString());
        Assert.Equal("1", answered.GetProperty("detail").GetProperty("epoch").GetString());

        await QueueAsync(new { name = "set-config", arguments = new Dictionary<string, string> { ["telemetry_interval_s"] = "120", ["outbox_capacity"] = "48" } });
        var configured = await CompletedAsync(2);
        Assert.Equal("ok", configured.GetProperty("status").GetString());
        Assert.Equal("outbox_capacity", configured.GetProperty("detail").GetProperty("applies_at_boot").GetString());
        var written = DeviceConfig.Parse(File.ReadAllBytes(Path.Combine(_drive, DeviceConfig.FileName))).Config!;
        Assert.Equal(120, written.TelemetryIntervalSeconds);
        Assert.Equal(48, written.OutboxCapacity);

        await QueueAsync(new { name = "self-destruct", arguments = new Dictionary<string, string> { ["at"] = "noon" } });
        Assert.Equal("unknown_command", (await CompletedAsync(3)).GetProperty("status").GetString());

        await QueueAsync(new { name = "reboot" });
        Assert.Equal("ok", (await CompletedAsync(4)).GetProperty("status").GetString());
        await Eventually.TrueAsync(() => restart.Restarts == 1, "the device restarts after answering reboot");

        // Each was sent once and answered once, in sequence order.
        using var list = await _gateway.Client.GetAsync(new Uri($"/admin/v1/devices/{DeviceId}/commands", UriKind.Relative));
        var entries = JsonDocument.Parse(await list.Content.ReadAsStringAsync()).RootElement.EnumerateArray().ToList();
        Assert.Equal([4L, 3L, 2L, 1L], entries.Select(e => e.GetProperty("sequence").GetInt64()));
        Assert.All(entries, e => Assert.Equal(1, e.GetProperty("deliveries").GetInt32()));
        Assert.Equal(4, device.App.Commands!.Executed);
        Assert.Equal(0, device.App.Commands.Ignored);
    }

    private async Task<JsonElement> QueueAsync(object body)
    {
        using var response = await _gateway.Client.PostAsJsonAsync(new Uri($"/admin/v1/devices/{DeviceId}/commands", UriKind.Relative), body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<JsonElement> CompletedAsync(long sequence)
    {
        JsonElement entry = default;
        await Eventually.TrueAsync(
            async () =>
            {
                using var response = await _gateway.Client.GetAsync(new Uri($"/admin/v1/devices/{DeviceId}/commands/{sequence}", UriKind.Relative));
                entry = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
                return entry.GetProperty("completed").GetBoolean();
            },
            $"command {sequence} answered");
        return entry;
    }

    private async Task<RunningDevice> StartDeviceAsync(byte[] secret, IDeviceRestart restart)
    {
        using var metadataClient = new HttpClient { BaseAddress = _gateway.Process.BaseAddress };
        var metadata = JsonDocument.Parse(await metadataClient.GetStringAsync(new Uri("/.well-known/oauth-authorization-server", UriKind.Relative))).RootElement;
        var credential = new DeviceCredential(DeviceId, secret, metadata.GetProperty("token_endpoint").GetString()!, "127.0.0.1", _gateway.MqttPort)
        {
            CaCertificatePem = await File.ReadAllTextAsync(Path.Combine(_gateway.DataDirectory, GatewayCertificate.CaFileName)),

            // HTTPS to the token endpoint, trusting the development CA; MQTT on the plain loopback port.
            MqttTls = false,
        };
        RunningDevice.Provision(_drive, credential, new DeviceConfig { TelemetryIntervalSeconds = 3600 });
        return RunningDevice.Boot(_drive, restart);
    }
}
