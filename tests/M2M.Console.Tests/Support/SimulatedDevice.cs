using System.Security.Cryptography.X509Certificates;
using M2M.Device.Core.Crypto;
using M2M.Device.Core.Host.Platform;
using M2M.Device.Core.Messaging;
using M2M.Device.Core.Session;
using M2M.Device.Core.Time;
using M2M.Device.Core.Tokens;
using DeviceCredential = M2M.Device.Core.Storage.DeviceCredential;

namespace M2M.Console.Tests.Support;

/// <summary>
/// A device running the real device core (host build): it gets its token from the gateway's token
/// endpoint over HTTPS with its client assertion, keeps an MQTT 5 session over TLS, and publishes
/// the signed JSON messages the test submits.
/// </summary>
public sealed class SimulatedDevice : IDisposable
{
    private readonly SessionManager _session;
    private readonly MessageSigner _signer;
    private readonly Thread _thread;
    private readonly HostHttpTransport _http;
    private readonly MqttNetTransport _transport;

    private SimulatedDevice(SessionManager session, MessageSigner signer, HostHttpTransport http, MqttNetTransport transport)
    {
        _session = session;
        _signer = signer;
        _http = http;
        _transport = transport;
        _thread = new Thread(session.Run) { IsBackground = true };
    }

    /// <summary>PUBACKs received.</summary>
    public long Acknowledged => _session.Acknowledged;

    /// <summary>Starts <paramref name="deviceId"/> with <paramref name="secret"/> against <paramref name="gateway"/>.</summary>
    public static SimulatedDevice Start(ConsoleGateway gateway, string deviceId, byte[] secret)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        return Start(new DeviceCredential(deviceId, secret, gateway.TokenEndpoint, "127.0.0.1", gateway.MqttTlsPort) { MqttTls = true, CaCertificatePem = gateway.CaPem });
    }

    /// <summary>Starts a device with <paramref name="credential"/> (as a board loads it from its credential slots): its token endpoint, MQTT address and CA.</summary>
    public static SimulatedDevice Start(DeviceCredential credential)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var deviceId = credential.DeviceId;
        var caPem = credential.CaCertificatePem;
        var hmac = new HostHmacSha256();
        var random = new HostRandom();
        var clock = new DeviceClock(new HostClock());
        var keys = DeviceKeys.Derive(credential.Secret, hmac);
        var http = new HostHttpTransport(TimeSpan.FromSeconds(10), caPem);
        var tokens = new TokenClient(credential, keys, hmac, random, clock, http, new HostJsonParser(), new TokenPolicy());
        var transport = new MqttNetTransport(credential.MqttHost, credential.MqttPort, X509Certificate2.CreateFromPem(caPem), TimeSpan.FromSeconds(10));
        var session = new SessionManager(
            deviceId,
            transport,
            tokens,
            new AssertionRenewalCredential(deviceId, credential.TokenEndpoint, keys.AuthKey, hmac, clock, random),
            new Outbox(64),
            clock,
            null,
            random,
            new SessionOptions());
        var device = new SimulatedDevice(session, new MessageSigner(deviceId, keys.MessageKey, hmac, clock, 1), http, transport);
        device._thread.Start();
        return device;
    }

    /// <summary>Signs and queues one JSON message.</summary>
    public void Publish(string json) => _session.Submit(_signer.Sign("application/json", System.Text.Encoding.UTF8.GetBytes(json)));

    public void Dispose()
    {
        _session.Stop();
        _thread.Join(TimeSpan.FromSeconds(10));
        _transport.Dispose();
        _http.Dispose();
    }
}
