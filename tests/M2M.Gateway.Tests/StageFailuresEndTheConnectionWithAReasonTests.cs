using M2M.Gateway.Tests.Support;
using M2M.Gateway.TestHost;

namespace M2M.Gateway.Tests;

/// <summary>
/// An exception anywhere in a PUBLISH stage (a bug) is caught, logged with the stage's name,
/// counted (`m2m_mqtt_messages_total{reason="internal_error"}`) and answered with DISCONNECT 0x80
/// `internal_error`, never a PUBACK (docs/ingress.md, "Verification stages"): the device keeps the
/// message and resends it on its next connection, where it is accepted once.
/// </summary>
public sealed class StageFailuresEndTheConnectionWithAReasonTests : IAsyncLifetime
{
    private readonly FaultyClock _clock = new(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly TestWorld _world = TestWorld.Create(("sensor-1", "acme"));
    private InProcessGateway _gateway = null!;

    public async Task InitializeAsync() => _gateway = await InProcessGateway.StartAsync(_world, _clock);

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task TheConnectionEndsWithInternalErrorAndTheResendIsAccepted()
    {
        var device = _gateway.Device("sensor-1");
        var ts = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        var message = SignedPublish.Telemetry(device, 1, 1, 1, "{}"u8.ToArray(), ts);
        await using (var client = await SignedPublish.ConnectAsync(_gateway.MqttPort, "sensor-1", _world.MintAccessToken("sensor-1", _clock.GetUtcNow())))
        {
            // The timestamp stage reads the clock: it throws there.
            _clock.Fail = true;
            await client.SendAsync(message);

            var disconnect = await client.ExpectAsync(RawPacket.Disconnect);
            Assert.Equal((0x80, "internal_error"), (disconnect.ReasonCode, disconnect.ReasonString));
            Assert.True(await client.ClosedAsync());
        }

        _clock.Fail = false;
        Assert.Equal(1, (await MetricsScrape.ReadAsync(_gateway.BaseAddress)).Value("m2m_mqtt_messages_total{reason=\"internal_error\"}"));
        await using var again = await SignedPublish.ConnectAsync(_gateway.MqttPort, "sensor-1", _world.MintAccessToken("sensor-1", _clock.GetUtcNow()));
        await again.SendAsync(message);
        Assert.Equal(0x00, (await again.ExpectAsync(RawPacket.PubAck)).ReasonCode);
        Assert.Equal("sensor-1/1/1/1", Assert.Single(await _gateway.FileEventsAsync(1)).GetProperty("id").GetString());
    }

    /// <summary>A fixed clock that throws when told to, standing in for a stage's bug.</summary>
    private sealed class FaultyClock(DateTimeOffset now) : TimeProvider
    {
        public volatile bool Fail;

        public override DateTimeOffset GetUtcNow() => Fail ? throw new InvalidOperationException("injected fault") : now;
    }
}
