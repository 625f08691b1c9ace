using System.Text;
using M2M.Gateway.Tests.Support;
using M2M.Gateway.TestHost;
using Microsoft.Extensions.Time.Testing;
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
    private readonly FakeTimeProvider _time = TestClock.Fixed();
    private readonly TestWorld _world = TestWorld.Create(("sensor-1", "acme"));
    private InProcessGateway _gateway = null!;
    private TestDevice _device = null!;
    private uint _sequence;

    public async Task InitializeAsync()
    {
        _gateway = await InProcessGateway.StartAsync(_world, _time);
        _device = await _gateway.ConnectAsync("sensor-1", _time.GetUtcNow(), Lifetime);
    }

    public async Task DisposeAsync()
    {
        await _device.DisposeAsync();
        await _gateway.DisposeAsync();
    }

    [Fact]
    public async Task TheSessionEndsWhenItsTokenExpires()
    {
        _time.Advance(Lifetime - Second);
        await AssertStillConnectedAsync(_device);

        _time.Advance(Second);

        await AssertEndedAsync(_device, MqttClientDisconnectReason.MaximumConnectTime, "deadline_passed");
    }

    [Fact]
    public async Task AFreshClientAssertionMovesTheDeadlineToNowPlusTheTokenLifetime()
    {
        _time.Advance(Lifetime * 0.8);
        var renewedAt = _time.GetUtcNow();

        var renewal = await PublishAuthAsync(_world.MintAssertion("sensor-1", renewedAt));
        Assert.Equal(MqttClientPublishReasonCode.Success, renewal.ReasonCode);

        // Past the first token's expiry, one second before the renewed deadline.
        _time.Advance(renewedAt + _world.TokenLifetime - Second - _time.GetUtcNow());
        await AssertStillConnectedAsync(_device);
        _time.Advance(Second);
        await AssertEndedAsync(_device, MqttClientDisconnectReason.MaximumConnectTime, "deadline_passed");
    }

    [Fact]
    public async Task AFreshAccessTokenMovesTheDeadlineToItsExpAndIsNeverRelayed()
    {
        _time.Advance(Lifetime * 0.8);
        // A lifetime unlike the session's first token and the world's default: only its exp explains the deadline.
        var exp = _time.GetUtcNow() + TimeSpan.FromMinutes(25);

        var renewal = await PublishAuthAsync(_world.MintAccessToken("sensor-1", _time.GetUtcNow(), TimeSpan.FromMinutes(25)));
        Assert.Equal(MqttClientPublishReasonCode.Success, renewal.ReasonCode);

        _time.Advance(exp - Second - _time.GetUtcNow());
        await AssertStillConnectedAsync(_device);
        _time.Advance(Second);
        await AssertEndedAsync(_device, MqttClientDisconnectReason.MaximumConnectTime, "deadline_passed");

        // The sentinel was published after the auth PUBLISH; the sink holds it alone.
        Assert.Equal(["sensor-1/1/1/1"], (await _gateway.FileEventsAsync(1)).Select(e => e.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task AReusedAssertionIsRefusedAndTheDeadlineStays()
    {
        var renewedAt = _time.GetUtcNow();
        var assertion = _world.MintAssertion("sensor-1", renewedAt);
        Assert.Equal(MqttClientPublishReasonCode.Success, (await PublishAuthAsync(assertion)).ReasonCode);
        _time.Advance(TimeSpan.FromMinutes(2));

        var reused = await PublishAuthAsync(assertion);

        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, reused.ReasonCode);
        Assert.Equal("renewal_refused", reused.ReasonString);
        // Accepted, it would have moved the deadline two minutes later.
        _time.Advance(renewedAt + _world.TokenLifetime - Second - _time.GetUtcNow());
        await AssertStillConnectedAsync(_device);
        _time.Advance(Second);
        await AssertEndedAsync(_device, MqttClientDisconnectReason.MaximumConnectTime, "deadline_passed");
    }

    [Fact]
    public async Task AnotherDevicesTokenDoesNotRenew()
    {
        _world.Devices.Add(new TestDeviceEntry { Id = "sensor-9", Tenant = "acme", SecretHex = new string('1', 64) });

        var result = await PublishAuthAsync(_world.MintAccessToken("sensor-9", _time.GetUtcNow(), Lifetime * 2));

        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, result.ReasonCode);
        Assert.Equal("renewal_refused", result.ReasonString);
        _time.Advance(Lifetime);
        await AssertEndedAsync(_device, MqttClientDisconnectReason.MaximumConnectTime, "deadline_passed");
    }

    [Fact]
    public async Task DisablingTheDeviceEndsItsSession()
    {
        _gateway.Directory.Disable("sensor-1");

        await AssertEndedAsync(_device, MqttClientDisconnectReason.AdministrativeAction, "device_disabled");
    }

    [Fact]
    public async Task DeletingTheDeviceEndsItsSession()
    {
        _gateway.Directory.Delete("sensor-1");

        await AssertEndedAsync(_device, MqttClientDisconnectReason.AdministrativeAction, "device_deleted");
    }

    [Fact]
    public async Task AChangeTheRegistryDoesNotAnnounceIsFoundByTheRevalidationSweep()
    {
        _gateway.Directory.Disable("sensor-1", announce: false);
        await AssertStillConnectedAsync(_device);

        // Gateway:Mqtt:RevalidateInterval, default 5 s (docs/ingress.md, "Sessions").
        _time.Advance(TimeSpan.FromSeconds(5));

        await AssertEndedAsync(_device, MqttClientDisconnectReason.AdministrativeAction, "device_disabled");
    }

    [Fact]
    public async Task RotatingTheDeviceEndsItsSessionAndStartsANewReplayGeneration()
    {
        Assert.Equal(MqttClientPublishReasonCode.Success, (await _device.PublishAsync(_device.Telemetry(5, 5, "old"u8.ToArray()))).ReasonCode);

        _gateway.Directory.Rotate("sensor-1");
        await AssertEndedAsync(_device, MqttClientDisconnectReason.AdministrativeAction, "device_rotated");

        // Under the new K_msg the mark starts over (docs/protocol.md section 8).
        await using var again = await _gateway.ConnectAsync("sensor-1", _time.GetUtcNow());
        Assert.Equal(MqttClientPublishReasonCode.Success, (await again.PublishAsync(again.Telemetry(1, 1, "new"u8.ToArray()))).ReasonCode);
    }

    [Fact]
    public async Task ASecondConnectionTakesOverTheFirst()
    {
        await using var second = await _gateway.ConnectAsync("sensor-1", _time.GetUtcNow());

        var disconnected = await _device.Disconnected.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(MqttClientDisconnectReason.SessionTakenOver, disconnected.Reason);
        await AssertStillConnectedAsync(second);

        // The first session's deadline no longer applies to the second one.
        _time.Advance(Lifetime);
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
        var metrics = await _gateway.MetricsAsync();
        Assert.Equal(new Dictionary<string, double> { [label] = 1 }, metrics.ByLabel("m2m_mqtt_gateway_disconnects_total", "reason"));
    }

    private Task<MqttClientPublishResult> PublishAuthAsync(string jwt) =>
        _device.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic("devices/sensor-1/auth")
            .WithPayload(Encoding.ASCII.GetBytes(jwt))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());
}
