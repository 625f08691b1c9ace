using System.Text;
using M2M.Gateway.Tests.Support;
using MQTTnet;
using MQTTnet.Protocol;

namespace M2M.Gateway.Tests;

/// <summary>
/// Issue 15 item 7: revoking a token (RFC 7009) ends the live session it opened, or renewed in-band,
/// within <c>Gateway:Mqtt:RevalidateInterval</c> of the gateway's clock, with DISCONNECT 0x98
/// (Administrative action) and the Reason String <c>token_revoked</c> (docs/protocol.md section 9.4).
/// The clock is the test's; a sentinel session of another device, whose token was not revoked, keeps
/// publishing.
/// </summary>
public sealed class ARevokedTokensLiveSessionIsCutWithinTheRevalidateIntervalTests : IAsyncLifetime
{
    private RevocationRig _rig = null!;

    [Fact]
    public async Task TheSessionTheRevokedTokenOpenedEndsWith0x98AndAnotherDevicesSessionStays()
    {
        var device = await _rig.AddAsync("sensor-0001");
        var token = await _rig.TokenAsync(device);
        var session = await _rig.ConnectAsync(device, token);
        var sentinel = await ConnectSentinelAsync();

        await RevocationRig.RevokeAsync(await _rig.KeyClientAsync(["admin"]), token);
        _rig.Time.Advance(_rig.RevalidateInterval);

        var disconnect = await RevocationRig.DisconnectedAsync(session);
        Assert.Equal(MqttClientDisconnectReason.AdministrativeAction, disconnect.Reason);
        Assert.Equal("token_revoked", disconnect.ReasonString);
        await AssertSentinelPublishesAsync(sentinel);
    }

    [Fact]
    public async Task ASessionRenewedInBandWithTheRevokedTokenEndsToo()
    {
        var device = await _rig.AddAsync("sensor-0001");
        var session = await _rig.ConnectAsync(device, await _rig.TokenAsync(device));
        _rig.Time.Advance(TimeSpan.FromMinutes(1));
        var renewal = await _rig.TokenAsync(device);
        var renewed = await session.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic("devices/sensor-0001/auth")
            .WithPayload(Encoding.ASCII.GetBytes(renewal))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());
        Assert.Equal(MqttClientPublishReasonCode.Success, renewed.ReasonCode);
        var sentinel = await ConnectSentinelAsync();

        await RevocationRig.RevokeAsync(await _rig.KeyClientAsync(["operator"], "acme"), renewal);
        _rig.Time.Advance(_rig.RevalidateInterval);

        var disconnect = await RevocationRig.DisconnectedAsync(session);
        Assert.Equal(MqttClientDisconnectReason.AdministrativeAction, disconnect.Reason);
        Assert.Equal("token_revoked", disconnect.ReasonString);
        await AssertSentinelPublishesAsync(sentinel);
    }

    public async Task InitializeAsync() => _rig = await RevocationRig.StartAsync();

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    private async Task<TestDevice> ConnectSentinelAsync()
    {
        var other = await _rig.AddAsync("sensor-0002");
        return await _rig.ConnectAsync(other, await _rig.TokenAsync(other));
    }

    /// <summary>The sentinel's session outlived the revalidation that cut the other: it still publishes, and was never disconnected.</summary>
    private static async Task AssertSentinelPublishesAsync(TestDevice sentinel)
    {
        Assert.Equal(MqttClientPublishReasonCode.Success, (await sentinel.PublishAsync(sentinel.Telemetry(1, 1, "{}"u8.ToArray()))).ReasonCode);
        Assert.False(sentinel.Disconnected.Task.IsCompleted);
    }
}
