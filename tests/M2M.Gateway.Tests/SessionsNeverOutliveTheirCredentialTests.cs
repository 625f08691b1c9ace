using System.Text;
using M2M.Gateway.Tests.Support;
using M2M.Gateway.TestHost;
using Microsoft.Extensions.Time.Testing;
using MQTTnet;
using MQTTnet.Protocol;

namespace M2M.Gateway.Tests;

/// <summary>
/// docs/protocol.md section 7: a session ends at its token's expiry (0xA0) unless renewed in-band,
/// when its device is disabled or rotated (0x98), and when another connection takes over (0x8E).
/// The gateway's clock is the test's.
/// </summary>
public sealed class SessionsNeverOutliveTheirCredentialTests : IAsyncLifetime
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly TestWorld _world = TestWorld.Create(("sensor-1", "acme"));
    private InProcessGateway _gateway = null!;
    private TestDevice _device = null!;

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
        _time.Advance(Lifetime - TimeSpan.FromSeconds(1));
        await Task.Delay(200);
        Assert.True(_device.Client.IsConnected);

        _time.Advance(TimeSpan.FromSeconds(1));

        var disconnected = await _device.Disconnected.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(MqttClientDisconnectReason.MaximumConnectTime, disconnected.Reason);
    }

    [Fact]
    public async Task AFreshClientAssertionOnTheAuthTopicExtendsTheSession()
    {
        _time.Advance(Lifetime * 0.8);

        var renewal = await PublishAuthAsync(_world.MintAssertion("sensor-1", _time.GetUtcNow()));
        Assert.Equal(MqttClientPublishReasonCode.Success, renewal.ReasonCode);

        // Past the first token's expiry, within the renewed deadline (now + token lifetime).
        _time.Advance(Lifetime * 0.5);
        await Task.Delay(200);
        Assert.True(_device.Client.IsConnected);
        var accepted = await _device.PublishAsync(_device.Telemetry(1, 1, "still here"u8.ToArray()));
        Assert.Equal(MqttClientPublishReasonCode.Success, accepted.ReasonCode);

        // The renewed deadline is enforced too.
        _time.Advance(_world.TokenLifetime);
        var disconnected = await _device.Disconnected.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(MqttClientDisconnectReason.MaximumConnectTime, disconnected.Reason);
    }

    [Fact]
    public async Task AFreshAccessTokenOnTheAuthTopicExtendsTheSession()
    {
        _time.Advance(Lifetime * 0.8);

        var renewal = await PublishAuthAsync(_world.MintAccessToken("sensor-1", _time.GetUtcNow(), Lifetime));
        Assert.Equal(MqttClientPublishReasonCode.Success, renewal.ReasonCode);

        _time.Advance(Lifetime * 0.5);
        await Task.Delay(200);
        Assert.True(_device.Client.IsConnected);
        Assert.Empty(await _gateway.FileEventsAsync(0));
    }

    [Fact]
    public async Task AReusedAssertionIsRefusedAndTheOldDeadlineStays()
    {
        var assertion = _world.MintAssertion("sensor-1", _time.GetUtcNow());
        Assert.Equal(MqttClientPublishReasonCode.Success, (await PublishAuthAsync(assertion)).ReasonCode);

        var reused = await PublishAuthAsync(assertion);

        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, reused.ReasonCode);
        Assert.Equal("renewal_refused", reused.ReasonString);
    }

    [Fact]
    public async Task AnotherDevicesTokenDoesNotRenew()
    {
        _world.Devices.Add(new TestDeviceEntry { Id = "sensor-9", Tenant = "acme", SecretHex = new string('1', 64) });

        var result = await PublishAuthAsync(_world.MintAccessToken("sensor-9", _time.GetUtcNow(), Lifetime * 2));

        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, result.ReasonCode);
        Assert.Equal("renewal_refused", result.ReasonString);
        _time.Advance(Lifetime);
        var disconnected = await _device.Disconnected.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(MqttClientDisconnectReason.MaximumConnectTime, disconnected.Reason);
    }

    [Fact]
    public async Task DisablingTheDeviceEndsItsSession()
    {
        _gateway.Directory.Disable("sensor-1");

        var disconnected = await _device.Disconnected.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(MqttClientDisconnectReason.AdministrativeAction, disconnected.Reason);
    }

    [Fact]
    public async Task RotatingTheDeviceEndsItsSessionAndStartsANewReplayGeneration()
    {
        Assert.Equal(MqttClientPublishReasonCode.Success, (await _device.PublishAsync(_device.Telemetry(5, 5, "old"u8.ToArray()))).ReasonCode);

        _gateway.Directory.Rotate("sensor-1");
        var disconnected = await _device.Disconnected.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(MqttClientDisconnectReason.AdministrativeAction, disconnected.Reason);

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
        Assert.Equal(MqttClientPublishReasonCode.Success, (await second.PublishAsync(second.Telemetry(1, 1, "x"u8.ToArray()))).ReasonCode);

        // The first session's deadline no longer applies to the second one.
        _time.Advance(Lifetime);
        await Task.Delay(200);
        Assert.True(second.Client.IsConnected);
    }

    private Task<MqttClientPublishResult> PublishAuthAsync(string jwt) =>
        _device.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic("devices/sensor-1/auth")
            .WithPayload(Encoding.ASCII.GetBytes(jwt))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());
}
