using M2M.Gateway.Tests.Support;
using M2M.Gateway.TestHost;
using M2M.Testing;

namespace M2M.Gateway.Tests;

/// <summary>
/// /metrics exposes, in Prometheus text format, how many connections, PUBLISH outcomes, token
/// validations and relayed records there were, by the reasons of docs/ingress.md ("Metrics"),
/// and never a token.
/// </summary>
public sealed class MetricsCountOutcomesByReasonTests
{
    [Fact]
    public async Task RefusalsAndAcceptancesAreCountedByReason()
    {
        var world = TestWorld.Create(("sensor-1", "acme"));
        await using var gateway = await InProcessGateway.StartAsync(world);
        await using var device = await gateway.ConnectAsync("sensor-1", DateTimeOffset.UtcNow);
        await device.PublishAsync(device.Telemetry(1, 1, "ok"u8.ToArray()));
        await device.PublishAsync(device.Telemetry(1, 2, "forged"u8.ToArray(), key: new byte[32]));
        await device.PublishAsync(device.Telemetry(1, 1, "ok"u8.ToArray()));
        await device.PublishAsync(device.Telemetry(1, 3, "ok"u8.ToArray()));
        await using var refused = gateway.Device("sensor-1");
        await refused.ConnectAsync("not-a-token");
        await gateway.FileEventsAsync(2);

        var metrics = await Eventually.ValueAsync(gateway.MetricsAsync, m => m.Value("m2m_relay_lag", "sink", "file") == 0, "the file sink to catch up");

        Assert.Equal(new Dictionary<string, double> { ["accepted"] = 2, ["bad_signature"] = 1, ["duplicate"] = 1 }, metrics.ByLabel("m2m_mqtt_messages_total", "reason"));
        Assert.Equal(new Dictionary<string, double> { ["ok"] = 1, ["token_invalid_token"] = 1 }, metrics.ByLabel("m2m_mqtt_connects_total", "result"));
        Assert.Equal(1, metrics.Value("m2m_mqtt_sessions"));
        Assert.Equal(1, metrics.Value("m2m_token_validations_total{kind=\"access_token\",result=\"ok\"}"));
        Assert.Equal(1, metrics.Value("m2m_token_validations_total{kind=\"access_token\",result=\"invalid_token\"}"));
        Assert.Equal(2, metrics.Value("m2m_journal_position"));
        Assert.Equal(2, metrics.Value("m2m_relay_delivered_total", "sink", "file"));
        Assert.DoesNotContain(world.MintAccessToken("sensor-1", DateTimeOffset.UtcNow)[..20], metrics.Text, StringComparison.Ordinal);
    }
}
