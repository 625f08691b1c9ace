using M2M.Device.Core.Crypto;
using M2M.Device.Core.Host.Platform;
using M2M.Device.Core.Messaging;
using M2M.Device.Core.Platform;
using M2M.Device.Core.Session;
using M2M.Device.Core.Time;
using M2M.Device.Core.Tokens;
using M2M.Gateway.Tests.Support;
using M2M.Gateway.TestHost;
using M2M.Testing;

namespace M2M.Gateway.Tests;

/// <summary>
/// End to end over loopback: the real device core (host build: signer, outbox, session manager and the
/// MQTTnet transport) connects to the real gateway ingress with an access token, publishes signed
/// telemetry that is verified, journaled and relayed to the JSON-lines sink, and renews its session
/// in-band with a client assertion (docs/protocol.md sections 5, 6 and 7).
/// </summary>
public sealed class DeviceCoreTelemetryIsAcceptedByTheGatewayTests : IAsyncLifetime
{
    private const string DeviceId = "sensor-1";
    private readonly TestWorld _world = TestWorld.Create((DeviceId, "acme"));
    private InProcessGateway _gateway = null!;

    public async Task InitializeAsync() => _gateway = await InProcessGateway.StartAsync(_world);

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task SignedTelemetryFromTheDeviceCoreReachesTheSinkInOrder()
    {
        using var device = new DeviceUnderTest(_world, _gateway.MqttPort, new SessionOptions());
        device.Start();

        device.Collect("""{"temp":21.5}""");
        device.Collect("""{"temp":21.6}""");
        device.Collect("""{"temp":21.7}""");

        var events = await _gateway.FileEventsAsync(3);
        Assert.Equal(["sensor-1/1/1/1", "sensor-1/1/1/2", "sensor-1/1/1/3"], events.Select(e => e.GetProperty("id").GetString()));
        Assert.Equal("""{"temp":21.7}""", System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(events[2].GetProperty("data_base64").GetString()!)));
        Assert.Equal("application/json", events[0].GetProperty("datacontenttype").GetString());
        await Eventually.TrueAsync(() => device.Session.Acknowledged == 3, "three PUBACKs");
        Assert.Equal(0, device.Outbox.Count);
        Assert.Equal(0, device.Session.Refused);
    }

    [Fact]
    public async Task TheGatewayAcceptsTheDevicesInBandRenewal()
    {
        // Renew at once (0 % of the lifetime) so the test does not wait 45 minutes.
        var options = new SessionOptions { RenewalPercentMin = 0, RenewalPercentMax = 0 };
        using var device = new DeviceUnderTest(_world, _gateway.MqttPort, options);

        device.Start();

        await Eventually.TrueAsync(() => device.Session.Renewals >= 1, "an in-band renewal");
        Assert.Equal(SessionState.Connected, device.Session.State);
        Assert.Equal(1, device.Session.Connects);
    }

    /// <summary>The device core wired as the ESP32 app wires it, with host adapters and a session thread.</summary>
    private sealed class DeviceUnderTest : IDisposable
    {
        private readonly MqttNetTransport _transport;
        private readonly MessageSigner _signer;
        private readonly Thread _thread;

        public DeviceUnderTest(TestWorld world, int port, SessionOptions options)
        {
            var clock = new DeviceClock(new HostClock());
            var hmac = new HostHmacSha256();
            var keys = DeviceKeys.Derive(Convert.FromHexString(world.Device(DeviceId).SecretHex), hmac);
            var random = new HostRandom();
            _transport = new MqttNetTransport("127.0.0.1", port, null, TimeSpan.FromSeconds(10));
            _signer = new MessageSigner(DeviceId, keys.MessageKey, hmac, clock, 1);
            Outbox = new Outbox(16);
            Session = new SessionManager(
                DeviceId,
                _transport,
                new MintedTokenSource(world, clock.Platform),
                new AssertionRenewalCredential(DeviceId, world.TokenEndpoint, keys.AuthKey, hmac, clock, random),
                Outbox,
                clock,
                null,
                random,
                options);
            _thread = new Thread(Session.Run) { IsBackground = true };
        }

        public SessionManager Session { get; }

        public Outbox Outbox { get; }

        public void Start() => _thread.Start();

        public void Collect(string json) => Session.Submit(_signer.Sign("application/json", System.Text.Encoding.UTF8.GetBytes(json)));

        public void Dispose()
        {
            Session.Stop();
            _thread.Join(TimeSpan.FromSeconds(10));
            _transport.Dispose();
        }
    }

    /// <summary>The token client's stand-in: access tokens minted by the test world's issuer key.</summary>
    private sealed class MintedTokenSource(TestWorld world, IClock clock) : ITokenSource
    {
        public TokenState State { get; private set; }

        public string AccessToken { get; private set; } = null!;

        public long ExpiresAtUptime { get; private set; }

        public long NextRefreshUptime { get; private set; }

        public string LastError => null!;

        public bool RefreshIfDue()
        {
            if (State == TokenState.Valid && AccessToken != null && clock.UptimeMilliseconds < NextRefreshUptime)
            {
                return false;
            }

            AccessToken = world.MintAccessToken(DeviceId, DateTimeOffset.UtcNow);
            ExpiresAtUptime = clock.UptimeMilliseconds + (long)world.TokenLifetime.TotalMilliseconds;
            NextRefreshUptime = clock.UptimeMilliseconds + ((long)world.TokenLifetime.TotalMilliseconds * 3 / 4);
            State = TokenState.Valid;
            return true;
        }

        // As the token client: the text forgotten after its CONNECT, the next refresh mints a new one.
        public void Release() => AccessToken = null!;

        public void Invalidate() => State = TokenState.None;
    }
}
