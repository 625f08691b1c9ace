using M2M.Device.Core.Crypto;
using M2M.Device.Core.Host.Platform;
using M2M.Device.Core.Messaging;
using M2M.Device.Core.Session;
using M2M.Device.Core.Storage;
using M2M.Device.Core.Time;
using M2M.Device.Core.Tokens;

namespace M2M.Cli.Sim;

/// <summary>
/// One simulated board running the real device core (host build): its TokenClient (client assertion,
/// renewal), SessionManager (CONNECT with the token, in-band renewal, back-off), Outbox and
/// MessageSigner, over the host adapters (HTTP, MQTTnet). Its session loop runs on its own thread, as
/// on the board.
/// </summary>
public sealed class SimulatedDevice : IDisposable
{
    private static readonly HostHmacSha256 Hmac = new();
    private static readonly HostRandom Random = new();
    private readonly MqttNetTransport _transport;
    private readonly SessionManager _session;
    private readonly MessageSigner _signer;
    private readonly Outbox _outbox;
    private readonly Thread _loop;

    public SimulatedDevice(string id, byte[] secret, Uri tokenEndpoint, string mqttHost, int mqttPort, SimCounters counters)
    {
        Id = id;
        var credential = new DeviceCredential(id, secret, tokenEndpoint.ToString(), mqttHost, mqttPort);
        var keys = DeviceKeys.Derive(secret, Hmac);
        var clock = new DeviceClock(new HostClock());
        var tokens = new TokenClient(credential, keys, Hmac, Random, clock, new HostHttpTransport(TimeSpan.FromSeconds(30), null), new HostJsonParser(), new TokenPolicy());
        _transport = new MqttNetTransport(mqttHost, mqttPort, null, TimeSpan.FromSeconds(30));
        _outbox = new Outbox(64);
        _session = new SessionManager(id, new ObservedTransport(_transport, counters), tokens, new AccessTokenRenewalCredential(tokens), _outbox, clock, null, Random, new SessionOptions());
        // Epoch 1: a freshly provisioned board's first boot (docs/protocol.md section 6.1).
        _signer = new MessageSigner(id, keys.MessageKey, Hmac, clock, 1);
        _loop = new Thread(_session.Run) { IsBackground = true, Name = $"sim {id}" };
    }

    public string Id { get; }

    public long Collected { get; private set; }

    public long Acknowledged => _session.Acknowledged;

    public long Refused => _session.Refused;

    public long Dropped => _outbox.Dropped;

    public int Connects => _session.Connects;

    public SessionState State => _session.State;

    public void Start() => _loop.Start();

    /// <summary>Signs one telemetry message now (as the board does when it collects it) and queues it.</summary>
    public void Collect(byte[] payload)
    {
        _session.Submit(_signer.Sign("application/json", payload));
        Collected++;
    }

    public void Dispose()
    {
        _session.Stop();
        _loop.Join(TimeSpan.FromSeconds(10));
        _transport.Dispose();
    }
}
