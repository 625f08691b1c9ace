using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using M2M.Device.Core.Crypto;
using M2M.Device.Core.Host.Platform;
using M2M.Device.Core.Messaging;
using M2M.Device.Core.Session;
using M2M.Device.Core.Time;
using M2M.Device.Core.Tokens;
using M2M.Gateway.Https;
using M2M.Gateway.Tests.Support;
using M2M.Testing;
using DeviceCredential = M2M.Device.Core.Storage.DeviceCredential;

namespace M2M.Gateway.Tests;

/// <summary>
/// The whole path with nothing stood in: a device registered in the gateway's SQLite registry runs
/// the real device core (host build: token client, session manager, signer, outbox, MQTTnet
/// transport), gets its access token from the gateway's token endpoint over HTTPS with its client
/// assertion, opens an MQTT 5 session over TLS trusting only the gateway's development CA, and its
/// signed telemetry is verified, journaled and relayed, in order and once (a sixth message is the sentinel), to both sinks: the JSON-lines
/// file and a webhook receiver on loopback; every record's provenance verifies with the key the
/// gateway publishes in its JWKS (docs/ingress.md, "Verifying a record").
/// </summary>
public sealed class DeviceCoreIsAuthenticatedVerifiedAndRelayedEndToEndTests : IAsyncLifetime
{
    private const string DeviceId = "meter-0042";
    private WebhookReceiver _receiver = null!;
    private TokenGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        _gateway = await TokenGateway.StartAsync(
            null, null, null, "--Gateway:Relay:File:Enabled", "true", "--Gateway:Relay:Webhook:Url", _receiver.Url.ToString());
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task ARegisteredDeviceGetsATokenConnectsOverTlsAndItsTelemetryIsRelayed()
    {
        var added = await _gateway.Registry.AddAsync(DeviceId, "acme", ["meter"], CancellationToken.None);
        Assert.NotNull(added);
        var secret = added.Secret.ToArray();
        var caPem = File.ReadAllText(Path.Combine(_gateway.DataDirectory, GatewayCertificate.CaFileName));

        var hmac = new HostHmacSha256();
        var random = new HostRandom();
        var clock = new DeviceClock(new HostClock());
        var keys = DeviceKeys.Derive(secret, hmac);
        var credential = new DeviceCredential(DeviceId, secret, _gateway.TokenEndpoint, "127.0.0.1", _gateway.MqttTlsPort);
        using var http = new HostHttpTransport(TimeSpan.FromSeconds(10), caPem);
        var tokens = new TokenClient(credential, keys, hmac, random, clock, http, new HostJsonParser(), new TokenPolicy());
        using var transport = new MqttNetTransport("127.0.0.1", _gateway.MqttTlsPort, X509Certificate2.CreateFromPem(caPem), TimeSpan.FromSeconds(10));
        var outbox = new Outbox(16);
        var session = new SessionManager(
            DeviceId,
            transport,
            tokens,
            new AssertionRenewalCredential(DeviceId, _gateway.TokenEndpoint, keys.AuthKey, hmac, clock, random),
            outbox,
            clock,
            null,
            random,
            new M2M.Device.Core.Session.SessionOptions());
        var signer = new MessageSigner(DeviceId, keys.MessageKey, hmac, clock, 1);
        var thread = new Thread(session.Run) { IsBackground = true };
        thread.Start();
        try
        {
            for (var i = 1; i <= 5; i++)
            {
                session.Submit(signer.Sign("application/json", System.Text.Encoding.UTF8.GetBytes($$"""{"kwh":{{i}}}""")));
            }

            var expected = Enumerable.Range(1, 5).Select(i => $"{DeviceId}/1/1/{i}").ToList();
            var events = await FileSink.ReadAsync(Path.Combine(_gateway.DataDirectory, "telemetry.jsonl"), 5);
            Assert.Equal(expected, events.Select(e => e.GetProperty("id").GetString()));
            Assert.All(events, e => Assert.Equal("acme", e.GetProperty("m2mtenant").GetString()));
            await _receiver.DeliveriesAsync(5);

            // The sentinel: a sixth message, collected after the five were delivered; a repeat of any of them would come before it.
            session.Submit(signer.Sign("application/json", """{"kwh":6}"""u8.ToArray()));
            var webhook = (await _receiver.DeliveriesAsync(6)).Select(d => d.Event).ToList();
            Assert.Equal([.. expected, $"{DeviceId}/1/1/6"], webhook.Select(e => e.GetProperty("id").GetString()));

            using var client = _gateway.Client();
            var jwks = await TokenGateway.JwksAsync(client);
            Assert.All(events.Concat(webhook), e => Assert.True(RecordVerifier.Verify(e, PublishedKey(jwks, e)), e.GetProperty("id").GetString()));
            Assert.Equal(TokenState.Valid, tokens.State);

            await Eventually.TrueAsync(() => session.Acknowledged == 6, "six PUBACKs");
            Assert.Equal(0, session.Refused);
            Assert.Equal(1, session.Connects);
        }
        finally
        {
            session.Stop();
            thread.Join(TimeSpan.FromSeconds(10));
        }
    }

    /// <summary>The JWKS key the record's JWS header names by kid, as a consumer picks it.</summary>
    private static ECDsa PublishedKey(Microsoft.IdentityModel.Tokens.JsonWebKeySet jwks, JsonElement cloudEvent)
    {
        var header = cloudEvent.GetProperty("m2mgatewaysig").GetString()!.Split('.')[0];
        var kid = JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(header)).RootElement.GetProperty("kid").GetString();
        var key = jwks.Keys.Single(k => k.Kid == kid);
        return ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = System.Buffers.Text.Base64Url.DecodeFromChars(key.X), Y = System.Buffers.Text.Base64Url.DecodeFromChars(key.Y) },
        });
    }
}
