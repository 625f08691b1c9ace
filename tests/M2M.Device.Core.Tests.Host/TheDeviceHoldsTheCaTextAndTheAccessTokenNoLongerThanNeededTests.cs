using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using M2M.Device.Core.App;
using M2M.Device.Core.Commands;
using M2M.Device.Core.Crypto;
using M2M.Device.Core.Messaging;
using M2M.Device.Core.Platform;
using M2M.Device.Core.Session;
using M2M.Device.Core.Storage;
using M2M.Device.Core.Tests.Fakes;
using M2M.Device.Core.Time;
using M2M.Device.Core.Tokens;
using Xunit;
using Xunit.Abstractions;

namespace M2M.Device.Core.Tests.Host;

/// <summary>
/// The device holds the CA certificate text and the access token no longer than it needs them
/// (docs/architecture.md, "Device memory budget"): the CA text is let go once both network clients are
/// composed (a rotation reads it from the drive for the new record), and the access token once the
/// CONNECT that used it is accepted (a reconnect gets a new one). Shown on the host build by weak
/// references: after a full collection nothing of the device still reaches them. The sizes they took
/// are printed.
/// </summary>
[Collection(MemoryMeasurement.Name)]
public sealed class TheDeviceHoldsTheCaTextAndTheAccessTokenNoLongerThanNeededTests(ITestOutputHelper output)
{
    // A CA certificate of the usual size (an ECDSA P-256 CA in PEM is about 700 characters, RSA 2048 about 1,300).
    private static readonly string CaPem = "-----BEGIN CERTIFICATE-----\n" + new string('A', 1200) + "\n-----END CERTIFICATE-----\n";

    [Fact]
    public void TheAccessTokenIsLetGoAfterTheConnectThatUsedItAndAReconnectGetsANewOne()
    {
        var bench = new TokenTestBench(TokenTestBench.Start, TokenAuthMethod.ClientAssertion);
        bench.Http.Answer(200, TokenJson('1'), TokenTestBench.StartDate);
        bench.Http.Answer(200, TokenJson('2'), TokenTestBench.StartDate);
        var transport = new PasswordWatchingTransport();
        var renewal = new AssertionRenewalCredential(bench.Credential.DeviceId, bench.Credential.TokenEndpoint, bench.Keys.AuthKey, TestPlatform.Hmac, bench.Clock, bench.Random);
        var session = new SessionManager(bench.Credential.DeviceId, transport, bench.Client, renewal, new Outbox(4), bench.Clock, null, bench.Random, new SessionOptions());

        StepUntilConnected(session, bench, 1);
        Collect();

        Assert.False(transport.Passwords[0].IsAlive, "the access token presented at CONNECT is still held");
        Assert.Null(bench.Client.AccessToken);
        Assert.Equal(TokenState.Valid, bench.Client.State);
        output.WriteLine($"access token: {transport.PasswordLengths[0]} characters let go after its CONNECT ({22 + (2 * transport.PasswordLengths[0])} bytes as a 64-bit host string; on nanoFramework its UTF-8 bytes and a string header)");

        // A lost connection: the reconnect requests a new token and presents it.
        session.OnConnectionClosed(MqttCodes.NetworkError);
        StepUntilConnected(session, bench, 2);
        Assert.Equal(2, bench.Http.Count);
        Collect();
        Assert.False(transport.Passwords[1].IsAlive, "the second access token is still held after its CONNECT");
    }

    [Fact]
    public void TheCaTextIsLetGoOnceTheClientsAreComposedAndARotationTakesItFromTheDrive()
    {
        var files = new InMemoryFileStore();
        var credential = TestCredentials.Create(0);
        credential.CaCertificatePem = CaPem;
        new CredentialStore(files).Provision(credential);
        var connections = new CaWatchingConnections(new InMemoryConnections(new FakeClock(TokenTestBench.Start)));
        var clock = new FakeClock(TokenTestBench.Start);
        var platform = new DevicePlatform(files, clock, new FakeRandom(), TestPlatform.Hmac, new FakeNetworkLink(), new FakeTimeSync(clock, TokenTestBench.Start), new FakeDeviceStatus(), connections)
        {
            Restart = new FakeRestart(),
        };
        var app = new DeviceApplication(platform);

        Assert.True(app.Start(), app.LastError);
        Collect();

        Assert.Equal(2, connections.CaTexts.Count);
        Assert.All(connections.CaTexts, text => Assert.False(text.IsAlive, "the CA certificate text is still held after the clients were composed"));
        output.WriteLine($"CA certificate: {CaPem.Length} characters of PEM let go after the clients are composed ({22 + (2 * CaPem.Length)} bytes as a 64-bit host string)");

        // A rotation writes the new slot with the CA of the record in force, read from the drive.
        var gatewayKey = new byte[32];
        gatewayKey[0] = 9;
        var answer = ((ICommandTarget)app).RotateSecret(1, gatewayKey);
        Assert.Equal(CommandResult.Ok, answer.Status);
        var store = new CredentialStore(files);
        var rotated = store.Load()!;
        Assert.True(store.Provisional);
        Assert.Equal(CaPem, rotated.CaCertificatePem);
        GC.KeepAlive(app);
    }

    // A token of 700 characters, the order of an ES256 JWT with a handful of claims.
    private static string TokenJson(char fill) =>
        "{\"access_token\":\"eyJhbGciOiJFUzI1NiJ9." + new string(fill, 600) + "." + new string('s', 86) + "\",\"token_type\":\"Bearer\",\"expires_in\":3600}";

    private static void StepUntilConnected(SessionManager session, TokenTestBench bench, int connects)
    {
        for (var i = 0; i < 100 && session.Connects < connects; i++)
        {
            var wait = session.Step();
            if (wait > 0)
            {
                bench.Platform.Advance(wait);
            }
        }

        Assert.Equal(connects, session.Connects);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Collect()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    /// <summary>Accepts every CONNECT and keeps only a weak reference to the password it was given.</summary>
    private sealed class PasswordWatchingTransport : IMqttTransport
    {
        private ushort _packetId;

        public List<WeakReference> Passwords { get; } = [];

        public List<int> PasswordLengths { get; } = [];

        public void SetListener(IMqttTransportListener listener)
        {
        }

        public int Connect(string clientId, string userName, string password, int keepAliveSeconds)
        {
            Passwords.Add(new WeakReference(password));
            PasswordLengths.Add(password.Length);
            return MqttCodes.Success;
        }

        public ushort Publish(string topic, byte[] payload, string? contentType, string[]? propertyNames, string[]? propertyValues) => ++_packetId;

        public bool Subscribe(string topic) => true;

        public void Disconnect()
        {
        }
    }

    /// <summary>The in-memory clients, keeping only weak references to the CA text each was composed with.</summary>
    private sealed class CaWatchingConnections(InMemoryConnections inner) : IDeviceConnections
    {
        public List<WeakReference> CaTexts { get; } = [];

        public ITokenSource CreateTokenSource(DeviceCredential credential, DeviceKeys keys, DeviceClock clock)
        {
            CaTexts.Add(new WeakReference(credential.CaCertificatePem));
            return inner.CreateTokenSource(credential, keys, clock);
        }

        public IMqttTransport CreateMqttTransport(DeviceCredential credential, DeviceConfig config)
        {
            CaTexts.Add(new WeakReference(credential.MqttTrustedCaPem));
            return inner.CreateMqttTransport(credential, config);
        }
    }
}
