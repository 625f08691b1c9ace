using System.Text;
using M2M.Gateway.Tests.Support;
using M2M.Gateway.TestHost;
using MQTTnet;
using MQTTnet.Protocol;

namespace M2M.Gateway.Tests;

/// <summary>
/// docs/protocol.md section 7: a session ends at its deadline (0xA0), which is its token's expiry
/// until an in-band renewal moves it (to the renewing token's <c>exp</c>, or now + the token
/// lifetime for a client assertion) and which a refused renewal leaves where it was; it ends when
/// its device is disabled, deleted or rotated (0x98), announced or found by the periodic
/// revalidation; and when another connection takes over (0x8E). Each ending the gateway decides is
/// counted by reason. The gateway's clock is the test's; "still connected" is proven by a PUBLISH
/// acknowledged after the instant in question (a sentinel), never by waiting.
/// </summary>
public sealed class SessionsNeverOutliveTheirCredentialTests : IAsyncLifetime
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    private DeviceRig _rig = null!;
    private uint _sequence;

    public async Task InitializeAsync() => _rig = await DeviceRig.StartAsync(TestWorld.Create(("sensor-1", "acme")), Lifetime);

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task TheSessionEndsWhenItsTokenExpires()
    {
        _rig.Time.Advance(Lifetime - Second);
        await AssertStillConnectedAsync(_rig.Device);

        _rig.Time.Advance(Second);

        await AssertEndedAsync(_rig.Device, MqttClientDisconnectReason.MaximumConnectTime, "deadline_passed");
    }

    [Fact]
    public async Task AFreshClientAssertionMovesTheDeadlineToNowPlusTheTokenLifetime()
    {
        _rig.Time.Advance(Lifetime * 0.8);
        var renewedAt = _rig.Time.GetUtcNow();

        var renewal = await PublishAuthAsync(_rig.World.MintAssertion("sensor-1", renewedAt));
        Assert.Equal(MqttClientPublishReasonCode.Success, renewal.ReasonCode);

        // Past the first token's expiry, one second before the renewed deadline.
        _rig.Time.Advance(renewedAt + _rig.World.TokenLifetime - Second - _rig.Time.GetUtcNow());
        await AssertStillConnectedAsync(_rig.Device);
        _rig.Time.Advance(Second);
        await AssertEndedAsync(_rig.Device, MqttClientDisconnectReason.MaximumConnectTime, "deadline_passed");
    }

    [Fact]
    public async Task AFreshAccessTokenMovesTheDeadlineToItsExpAndIsNeverRelayed()
    {
        _rig.Time.Advance(Lifetime * 0.8);
        // A lifetime unlike the session's first token and the world's default: only its exp explains the deadline.
        var exp = _rig.Time.GetUtcNow() + TimeSpan.FromMinutes(25);

        var renewal = await PublishAuthAsync(_rig.World.MintAccessToken("sensor-1", _rig.Time.GetUtcNow(), TimeSpan.FromMinutes(25)));
        Assert.Equal(MqttClientPublishReasonCode.Success, renewal.ReasonCode);

        _rig.Time.Advance(exp - Second - _rig.Time.GetUtcNow());
        await AssertStillConnectedAsync(_rig.Device);
        _rig.Time.Advance(Second);
        await AssertEndedAsync(_rig.Device, MqttClientDisconnectReason.MaximumConnectTime, "deadline_passed");

        // The sentinel was published after the auth PUBLISH; the sink holds it alone.
        Assert.Equal(["sensor-1/1/1/1"], (await _rig.Gateway.FileEventsAsync(1)).Select(e => e.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task AReusedAssertionIsRefusedAndTheDeadlineStays()
    {
        var renewedAt = _rig.Time.GetUtcNow();
        var assertion = _rig.World.MintAssertion("sensor-1", renewedAt);
        Assert.Equal(MqttClientPublishReasonCode.Success, (await PublishAuthAsync(assertion)).ReasonCode);
        _rig.Time.Advance(TimeSpan.FromMinutes(2));

        var reused = await PublishAuthAsync(assertion);

        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, reused.ReasonCode);
        Assert.Equal("renewal_refused", reused.ReasonString);
        // Accepted, it would have moved the deadline two minutes later.
        _rig.Time.Advance(renewedAt + _rig.World.TokenLifetime - Second - _rig.Time.GetUtcNow());
        await AssertStillConnectedAsync(_rig.Device);
        _rig.Time.Advance(Second);
        await AssertEndedAsync(_rig.Device, MqttClientDisconnectReason.MaximumConnectTime, "deadline_passed");
    }

    [Fact]
    public async Task AnotherDevicesTokenDoesNotRenew()
    {
        _rig.World.Devices.Add(new TestDeviceEntry { Id = "sensor-9", Tenant = "acme", SecretHex = new string('1', 64) });

        var result = await PublishAuthAsync(_rig.World.MintAccessToken("sensor-9", _rig.Time.GetUtcNow(), Lifetime * 2));

        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, result.ReasonCode);
        Assert.Equal("renewal_refused", result.ReasonString);
        _rig.Time.Advance(Lifetime);
        await AssertEndedAsync(_rig.Device, MqttClientDisconnectReason.MaximumConnectTime, "deadline_passed");
    }

    [Fact]
    public async Task DisablingTheDeviceEndsItsSession()
    {
        _rig.Gateway.Directory.Disable("sensor-1");

        await AssertEndedAsync(_rig.Device, MqttClientDisconnectReason.AdministrativeAction, "device_disabled");
    }

    [Fact]
    public async Task DeletingTheDeviceEndsItsSession()
    {
        _rig.Gateway.Directory.Delete("sensor-1");

        await AssertEndedAsync(_rig.Device, MqttClientDisconnectReason.AdministrativeAction, "device_deleted");
    }

    [Fact]
    public async Task AChangeTheRegistryDoesNotAnnounceIsFoundByTheRevalidationSweep()
    {
        _rig.Gateway.Directory.Disable("sensor-1", announce: false);
        await AssertStillConnectedAsync(_rig.Device);

        // Gateway:Mqtt:RevalidateInterval, default 5 s (docs/ingress.md, "Sessions").
        _rig.Time.Advance(TimeSpan.FromSeconds(5));

        await AssertEndedAsync(_rig.Device, MqttClientDisconnectReason.AdministrativeAction, "device_disabled");
    }

    [Fact]
    public async Task RotatingTheDeviceEndsItsSessionAndStartsANewReplayGeneration()
    {
        Assert.Equal(MqttClientPublishReasonCode.Success, (await _rig.Device.PublishAsync(_rig.Device.Telemetry(5, 5, "old"u8.ToArray()))).ReasonCode);

        _rig.Gateway.Directory.Rotate("sensor-1");
        await AssertEndedAsync(_rig.Device, MqttClientDisconnectReason.AdministrativeAction, "device_rotated");

        // Under the new K_msg the mark starts over (docs/protocol.md section 8).
        await using var again = await _rig.Gateway.ConnectAsync("sensor-1", _rig.Time.GetUtcNow());
        Assert.Equal(MqttClientPublishReasonCode.Success, (await again.PublishAsync(again.Telemetry(1, 1, "new"u8.ToArray()))).ReasonCode);
    }

    [Fact]
    public async Task ASecondConnectionTakesOverTheFirst()
    {
        await using var second = await _rig.Gateway.ConnectAsync("sensor-1", _rig.Time.GetUtcNow());

        var disconnected = await _rig.Device.Disconnected.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(MqttClientDisconnectReason.SessionTakenOver, disconnected.Reason);
        await AssertStillConnectedAsync(second);

        // The first session's deadline no longer applies to the second one.
        _rig.Time.Advance(Lifetime);
        await AssertStillConnectedAsync(second);
    }

    /// <summary>The sentinel: a telemetry PUBLISH sent now is acknowledged, and no DISCONNECT came before its PUBACK.</summary>
    private async Task AssertStillConnectedAsync(TestDevice device)
    {
        var result = await device.PublishAsync(device.Telemetry(1, ++_sequence, "sentinel"u8.ToArray()));
        Assert.Equal(MqttClientPublishReasonCode.Success, result.ReasonCode);
        Assert.False(device.Disconnected.Task.IsCompleted, "disconnected before the sentinel's PUBACK");
    }

    /// <summary>The gateway ended the session with <paramref name="reason"/>, and counted that once, as <paramref name="label"/>.</summary>
    private async Task AssertEndedAsync(TestDevice device, MqttClientDisconnectReason reason, string label)
    {
        var disconnected = await device.Disconnected.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(reason, disconnected.Reason);
        var metrics = await _rig.Gateway.MetricsAsync();
        Assert.Equal(new Dictionary<string, double> { [label] = 1 }, metrics.ByLabel("m2m_mqtt_gateway_disconnects_total", "reason"));
    }

    private Task<MqttClientPublishResult> PublishAuthAsync(string jwt) =>
        _rig.Device.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic("devices/sensor-1/auth")
            .WithPayload(Encoding.ASCII.GetBytes(jwt))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());
}
