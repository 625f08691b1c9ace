using M2M.Gateway.Tests.Support;
using M2M.Gateway.TestHost;
using Microsoft.Extensions.Time.Testing;
using MQTTnet;

namespace M2M.Gateway.Tests;

/// <summary>
/// Gateway:Mqtt:Authorization rules keyed by the token's tenant and roles narrow or widen the
/// protocol's default topics (docs/protocol.md section 5.2; docs/ingress.md, "Authorization"), and a
/// grant for one tenant never reaches a device of another.
/// </summary>
public sealed class TenantAndRoleRulesWidenOrNarrowTopicsTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = TestClock.Fixed();
    private readonly TestWorld _world = TestWorld.Create(("acme-1", "acme"), ("acme-2", "acme"), ("globex-1", "globex"));
    private InProcessGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _world.Device("acme-1").Roles.Add("observer");
        _world.Device("globex-1").Roles.Add("observer");
        _gateway = await InProcessGateway.StartAsync(
            _world,
            _time,
            // globex devices lose their debug stream.
            "--Gateway:Mqtt:Authorization:Rules:0:Tenant", "globex",
            "--Gateway:Mqtt:Authorization:Rules:0:DenyPublish:0", "devices/{id}/telemetry/debug",
            // Observers may follow their own tenant's alerts.
            "--Gateway:Mqtt:Authorization:Rules:1:Role", "observer",
            "--Gateway:Mqtt:Authorization:Rules:1:Subscribe:0", "tenants/{tenant}/alerts");
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task ADenyRuleNarrowsOnlyItsTenant()
    {
        await using var globex = await _gateway.ConnectAsync("globex-1", _time.GetUtcNow());
        await using var acme = await _gateway.ConnectAsync("acme-1", _time.GetUtcNow());

        var refused = await globex.PublishAsync(globex.Telemetry(1, 1, "{}"u8.ToArray(), topic: "devices/globex-1/telemetry/debug"));
        var accepted = await acme.PublishAsync(acme.Telemetry(1, 1, "{}"u8.ToArray(), topic: "devices/acme-1/telemetry/debug"));

        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, refused.ReasonCode);
        Assert.Equal("topic_not_allowed", refused.ReasonString);
        Assert.Equal(MqttClientPublishReasonCode.Success, accepted.ReasonCode);
    }

    [Fact]
    public async Task ARoleGrantWidensWithinItsOwnTenantOnly()
    {
        await using var observer = await _gateway.ConnectAsync("acme-1", _time.GetUtcNow());
        await using var plain = await _gateway.ConnectAsync("acme-2", _time.GetUtcNow());
        await using var otherTenant = await _gateway.ConnectAsync("globex-1", _time.GetUtcNow());

        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await SubscribeAsync(observer, "tenants/acme/alerts"));
        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, await SubscribeAsync(plain, "tenants/acme/alerts"));
        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, await SubscribeAsync(otherTenant, "tenants/acme/alerts"));
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await SubscribeAsync(otherTenant, "tenants/globex/alerts"));
    }

    private static async Task<MqttClientSubscribeResultCode> SubscribeAsync(TestDevice device, string filter)
    {
        var result = await device.Client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(filter, MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());
        return Assert.Single(result.Items).ResultCode;
    }
}
