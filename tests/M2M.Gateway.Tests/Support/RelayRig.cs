using System.Text.Json;
using M2M.Gateway.TestHost;
using MQTTnet;

namespace M2M.Gateway.Tests.Support;

/// <summary>
/// For relay tests that restart the gateway: one device, a data folder that outlives each gateway
/// started on it, a webhook receiver, and relay retries fast enough for a test.
/// </summary>
public sealed class RelayRig : IAsyncDisposable
{
    private RelayRig(WebhookReceiver webhook)
    {
        Webhook = webhook;
    }

    public TestWorld World { get; } = TestWorld.Create(("sensor-1", "acme"));

    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("m2m-relay-").FullName;

    public WebhookReceiver Webhook { get; }

    /// <summary>The ids the webhook received, in arrival order, duplicates included.</summary>
    public IReadOnlyList<string> WebhookIds => [.. Webhook.Deliveries.Select(d => d.Id!)];

    public static async Task<RelayRig> StartAsync(bool webhookDown) => new(await WebhookReceiver.StartAsync(webhookDown).ConfigureAwait(false));

    /// <summary>A gateway on the rig's data folder; its webhook sink posts to the rig's receiver unless <paramref name="webhook"/> is false.</summary>
    public Task<InProcessGateway> StartGatewayAsync(bool webhook = true, params string[] arguments) => InProcessGateway.StartAsync(World, null,
    [
        "--Gateway:DataDirectory", DataDirectory,
        "--Gateway:Relay:MaxAttempts", "100000",
        "--Gateway:Relay:InitialBackoff", "00:00:00.020",
        "--Gateway:Relay:MaxBackoff", "00:00:00.100",
        .. webhook ? new[] { "--Gateway:Relay:Webhook:Url", Webhook.Url.ToString() } : [],
        .. arguments,
    ]);

    /// <summary>The file sink's events, once at least <paramref name="count"/> are there.</summary>
    public Task<IReadOnlyList<JsonElement>> FileEventsAsync(int count) => FileSink.ReadAsync(Path.Combine(DataDirectory, "telemetry.jsonl"), count);

    /// <summary>Publishes seq <paramref name="first"/> to <paramref name="last"/> (payload: the seq), each acknowledged.</summary>
    public static async Task PublishAsync(TestDevice device, uint first, uint last)
    {
        ArgumentNullException.ThrowIfNull(device);
        for (var seq = first; seq <= last; seq++)
        {
            Assert.Equal(MqttClientPublishReasonCode.Success, (await device.PublishAsync(device.Telemetry(1, seq, [(byte)seq])).ConfigureAwait(false)).ReasonCode);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Webhook.DisposeAsync().ConfigureAwait(false);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(DataDirectory, recursive: true);
    }
}
