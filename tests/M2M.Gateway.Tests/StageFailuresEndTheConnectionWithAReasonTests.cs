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
            // The timestamp stage is the next to read the clock: it throws there.
            _clock.FailNext();
            await client.SendAsync(message);

            var disconnect = await client.ExpectAsync(RawPacket.Disconnect);
            Assert.Equal((0x80, "internal_error"), (disconnect.ReasonCode, disconnect.ReasonString));
            Assert.True(await client.ClosedAsync());
        }

        Assert.Equal(1, (await MetricsScrape.ReadAsync(_gateway.BaseAddress)).Value("m2m_mqtt_messages_total{reason=\"internal_error\"}"));
        await using var again = await SignedPublish.ConnectAsync(_gateway.MqttPort, "sensor-1", _world.MintAccessToken("sensor-1", _clock.GetUtcNow()));
        await again.SendAsync(message);
        Assert.Equal(0x00, (await again.ExpectAsync(RawPacket.PubAck)).ReasonCode);
        Assert.Equal("sensor-1/1/1/1", Assert.Single(await _gateway.FileEventsAsync(1)).GetProperty("id").GetString());
    }

    /// <summary>
    /// A fixed clock that throws once, at the next reading a PUBLISH stage makes after
    /// <see cref="FailNext"/>, standing in for a stage's bug. Other readers (the relay, the sessions)
    /// are not disturbed: the stage is recognised on the call stack.
    /// </summary>
    private sealed class FaultyClock(DateTimeOffset now) : TimeProvider
    {
        private int _fail;

        public void FailNext() => Volatile.Write(ref _fail, 1);

        public override DateTimeOffset GetUtcNow()
        {
            if (Volatile.Read(ref _fail) == 1
                && Environment.StackTrace.Contains("M2M.Gateway.Ingress.Pipeline.", StringComparison.Ordinal)
                && Interlocked.Exchange(ref _fail, 0) == 1)
            {
                throw new InvalidOperationException("injected fault");
            }

            return now;
        }
    }
}
