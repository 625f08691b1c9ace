using M2M.Gateway.Tests.Support;
using M2M.Gateway.TestHost;

namespace M2M.Gateway.Tests;

/// <summary>/metrics exposes, in Prometheus text format, connections, outcomes by reason, token validations and relay lag.</summary>
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
        await using var refused = gateway.Device("sensor-1");
        await refused.ConnectAsync("not-a-token");
        await gateway.FileEventsAsync(1);

        using var client = new HttpClient { BaseAddress = gateway.BaseAddress };
        var text = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Contains("reason=\"accepted\"", text, StringComparison.Ordinal);
        Assert.Contains("reason=\"bad_signature\"", text, StringComparison.Ordinal);
        Assert.Contains("result=\"token_invalid_token\"", text, StringComparison.Ordinal);
        Assert.Contains("m2m_mqtt_sessions", text, StringComparison.Ordinal);
        Assert.Contains("m2m_token_validations", text, StringComparison.Ordinal);
        Assert.Contains("m2m_relay_lag", text, StringComparison.Ordinal);
        Assert.Contains("m2m_journal_position", text, StringComparison.Ordinal);
        Assert.DoesNotContain(world.MintAccessToken("sensor-1", DateTimeOffset.UtcNow)[..20], text, StringComparison.Ordinal);
    }
}
