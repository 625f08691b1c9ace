using M2M.Gateway.Tests.Support;
using M2M.Gateway.TestHost;
using Microsoft.Extensions.Time.Testing;
using MQTTnet;

namespace M2M.Gateway.Tests;

/// <summary>
/// Expression policies in CEL (docs/policies.md) over MQTT: evaluated after the built-in topic rules,
/// they refuse a PUBLISH (PUBACK 0x87 topic_not_allowed) or a SUBSCRIBE (SUBACK 0x87) that the rules
/// allow, read the device record, the request (topic, stream, action, tenant) and the token's claims;
/// an expression that fails to evaluate refuses; every evaluation is counted by policy name and
/// decision; a policy that does not compile stops the start naming the policy and the line.
/// </summary>
public sealed class ExpressionPoliciesRefuseWhatTheBuiltInRulesAllowTests : IAsyncLifetime
{
    private const string Decisions = "m2m_policy_decisions_total";
    private readonly FakeTimeProvider _time = TestClock.Fixed();
    private readonly TestWorld _world = TestWorld.Create(("sensor-1", "acme"), ("plain-1", "acme"), ("observer-1", "globex"), ("observer-2", "acme"));
    private InProcessGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _world.Device("sensor-1").Roles.Add("sensor");
        _world.Device("observer-1").Roles.Add("observer");
        _world.Device("observer-2").Roles.Add("observer");
        _gateway = await InProcessGateway.StartAsync(
            _world,
            _time,
            // The built-in rule: observers may follow their tenant's alerts.
            "--Gateway:Mqtt:Authorization:Rules:0:Role", "observer",
            "--Gateway:Mqtt:Authorization:Rules:0:Subscribe:0", "tenants/{tenant}/alerts",
            "--Gateway:Policies:0:Name", "sensors-publish-env-only",
            "--Gateway:Policies:0:Actions:0", "mqtt.publish",
            "--Gateway:Policies:0:Expression", "!('sensor' in device.roles) || request.stream == 'env'",
            "--Gateway:Policies:1:Name", "acme-alerts-closed",
            "--Gateway:Policies:1:Actions:0", "mqtt.subscribe",
            "--Gateway:Policies:1:Expression", "request.tenant != 'acme'\n|| !request.topic.startsWith('tenants/')",
            "--Gateway:Policies:2:Name", "token-names-the-device",
            "--Gateway:Policies:2:Actions:0", "mqtt.*",
            "--Gateway:Policies:2:Expression", "claims.sub == principal.id && principal.kind == 'device'");
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task ASensorMayPublishOnlyItsEnvStream()
    {
        await using var sensor = await _gateway.ConnectAsync("sensor-1", _time.GetUtcNow());
        await using var plain = await _gateway.ConnectAsync("plain-1", _time.GetUtcNow());

        var env = await sensor.PublishAsync(sensor.Telemetry(1, 1, "{}"u8.ToArray(), topic: "devices/sensor-1/telemetry/env"));
        var debug = await sensor.PublishAsync(sensor.Telemetry(1, 2, "{}"u8.ToArray(), topic: "devices/sensor-1/telemetry/debug"));
        var other = await plain.PublishAsync(plain.Telemetry(1, 1, "{}"u8.ToArray(), topic: "devices/plain-1/telemetry/debug"));

        Assert.Equal(MqttClientPublishReasonCode.Success, env.ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, debug.ReasonCode);
        Assert.Equal("topic_not_allowed", debug.ReasonString);
        Assert.Equal(MqttClientPublishReasonCode.Success, other.ReasonCode);

        var metrics = await _gateway.MetricsAsync();
        Assert.Equal(1, metrics.Value($"{Decisions}{{policy=\"sensors-publish-env-only\",decision=\"deny\"}}"));
        Assert.Equal(2, metrics.Value($"{Decisions}{{policy=\"sensors-publish-env-only\",decision=\"allow\"}}"));
        Assert.Equal(2, metrics.Value($"{Decisions}{{policy=\"token-names-the-device\",decision=\"allow\"}}"));
    }

    [Fact]
    public async Task APolicyRefusesASubscriptionTheRulesGrantOnlyInItsTenant()
    {
        await using var acme = await _gateway.ConnectAsync("observer-2", _time.GetUtcNow());
        await using var globex = await _gateway.ConnectAsync("observer-1", _time.GetUtcNow());

        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, await SubscribeAsync(acme, "tenants/acme/alerts"));
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await SubscribeAsync(globex, "tenants/globex/alerts"));
        Assert.Equal(1, (await _gateway.MetricsAsync()).Value($"{Decisions}{{policy=\"acme-alerts-closed\",decision=\"deny\"}}"));
    }

    [Fact]
    public async Task APolicyThatCannotBeEvaluatedRefuses()
    {
        await using var gateway = await InProcessGateway.StartAsync(_world, _time,
            "--Gateway:Policies:0:Name", "needs-a-site",
            "--Gateway:Policies:0:Actions:0", "mqtt.publish",
            "--Gateway:Policies:0:Expression", "claims.site == 'berlin'");
        await using var plain = await gateway.ConnectAsync("plain-1", _time.GetUtcNow());

        var refused = await plain.PublishAsync(plain.Telemetry(1, 1, "{}"u8.ToArray()));

        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, refused.ReasonCode);
        Assert.Equal(1, (await gateway.MetricsAsync()).Value($"{Decisions}{{policy=\"needs-a-site\",decision=\"error\"}}"));
    }

    [Fact]
    public async Task APolicyThatDoesNotCompileStopsTheStartNamingItAndTheLine()
    {
        var exception = await Assert.ThrowsAsync<InvalidOperationException>(async () => await (await InProcessGateway.StartAsync(_world, _time,
            "--Gateway:Policies:0:Name", "broken",
            "--Gateway:Policies:0:Actions:0", "mqtt.publish",
            "--Gateway:Policies:0:Expression", "device.tenant == 'acme' &&\n  (request.stream ==")).DisposeAsync());

        Assert.StartsWith("Gateway:Policies: policy 'broken'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("Line 2:", exception.Message, StringComparison.Ordinal);
    }

    private static async Task<MqttClientSubscribeResultCode> SubscribeAsync(TestDevice device, string filter)
    {
        var result = await device.Client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(filter, MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());
        return Assert.Single(result.Items).ResultCode;
    }
}
