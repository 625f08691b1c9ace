using M2M.Device.Core.Host.Platform;
using M2M.Device.Core.Session;
using M2M.Device.Core.Time;
using M2M.Device.Core.Tokens;
using M2M.Gateway.Registry;
using M2M.Gateway.Tests.Support;
using M2M.Testing;
using M2M.Testing.Oidc;
using DeviceCredential = M2M.Device.Core.Storage.DeviceCredential;
using DeviceKeys = M2M.Device.Core.Crypto.DeviceKeys;

namespace M2M.Gateway.Tests;

/// <summary>
/// A real OpenID Connect provider this project did not write (OpenIddict, on loopback) as the
/// gateway's trusted external issuer (docs/tokens.md, "Trusted issuers"; docs/protocol.md section
/// 3.5): the device core gets its token there with client_secret_basic (client secret
/// base64url(K_auth)), opens its MQTT session with it, and keeps the session past the token's expiry
/// by in-band renewal (section 7.2): with a client assertion under K_auth naming the provider's token
/// endpoint, as every board can, or with a fresh token of the provider. With renewal by assertion
/// turned off for the issuer, the assertion is refused and the device reconnects with a new token.
/// </summary>
public sealed class DevicesOfARealOpenIdConnectProviderConnectAndRenewInBandTests : IAsyncLifetime
{
    private const string DeviceId = "sensor-oidc-1";

    // Short enough that renewals happen within the test, long enough for a busy machine to get a
    // token from the provider (which hashes client secrets with PBKDF2) and connect before it expires.
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromSeconds(20);

    private static readonly string[] SensorRole = ["sensor"];

    private OpenIddictProvider _provider = null!;

    public async Task InitializeAsync() => _provider = await OpenIddictProvider.StartAsync(TokenLifetime);

    public async Task DisposeAsync() => await _provider.DisposeAsync();

    [Fact]
    public async Task AnAssertionNamingTheProvidersTokenEndpointKeepsTheSessionPastTheTokensExpiry()
    {
        await using var gateway = await StartGatewayAsync();
        using var device = await DeviceAsync(gateway, withAccessToken: false);

        device.Start();

        // Renewals at 40 % of the 20 s lifetime (8, 16, 24 s): the third comes after the first token expired.
        await Eventually.TrueAsync(() => device.Session.Renewals >= 3, "three in-band renewals", TimeSpan.FromSeconds(120));
        Assert.Equal(1, device.Session.Connects);
        Assert.Equal(SessionState.Connected, device.Session.State);

        // The same kind of assertion buys nothing at the gateway's token endpoint: its aud is the provider's.
        using var client = gateway.Client();
        using var response = await TokenGateway.RequestTokenAsync(client, TokenGateway.Form(TestAssertion.Sign(device.AuthKey, TestAssertion.Claims(DeviceId, _provider.TokenEndpoint, DateTimeOffset.UtcNow))));
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(gateway.Audit.Events, e => e.Outcome == "wrong_audience");
    }

    [Fact]
    public async Task AFreshTokenOfTheProviderRenewsTheSession()
    {
        await using var gateway = await StartGatewayAsync();
        using var device = await DeviceAsync(gateway, withAccessToken: true);

        device.Start();

        await Eventually.TrueAsync(() => device.Session.Renewals >= 2, "two in-band renewals with provider tokens", TimeSpan.FromSeconds(120));
        Assert.Equal(1, device.Session.Connects);
    }

    [Fact]
    public async Task WithRenewalByAssertionOffTheDeviceReconnectsWithANewToken()
    {
        await using var gateway = await StartGatewayAsync("--Gateway:TrustedIssuers:0:RenewWithAssertion", "false");
        using var device = await DeviceAsync(gateway, withAccessToken: false);

        device.Start();

        // Refused with 0x87 renewal_refused: the device ends the session and connects again at once.
        await Eventually.TrueAsync(() => device.Session.Connects >= 2, "a reconnect after the refused renewal", TimeSpan.FromSeconds(120));
        Assert.Equal(0, device.Session.Renewals);
    }

    private async Task<TokenGateway> StartGatewayAsync(params string[] extra) =>
        await TokenGateway.StartAsync(null, null, null,
        [
            "--Gateway:TrustedIssuers:0:Authority", _provider.Issuer,
            "--Gateway:TrustedIssuers:0:Audience", "m2m-gateway",
            "--Gateway:TrustedIssuers:0:TenantClaim", "tenant",
            "--Gateway:TrustedIssuers:0:RolesClaim", "roles",
            "--Gateway:TrustedIssuers:0:Algorithms:0", "RS256",
            "--Gateway:TrustedIssuers:0:RequireHttps", "false",
            .. extra,
        ]);

    /// <summary>
    /// Registers the device in the gateway and as a client at the provider (client secret
    /// base64url(K_auth), docs/protocol.md section 3.5), and wires the device core as the ESP32 app
    /// does (DeviceApplication): the token client against the provider, the renewal credential from
    /// the credential's token endpoint.
    /// </summary>
    private async Task<DeviceUnderTest> DeviceAsync(TokenGateway gateway, bool withAccessToken)
    {
        var added = await gateway.Registry.AddAsync(DeviceId, "acme", ["sensor"], default);
        var secret = added!.Secret.ToArray();
        await _provider.AddClientAsync(new OidcClient(
            DeviceId,
            System.Buffers.Text.Base64Url.EncodeToString(DeviceKeyDerivation.DeriveAuthKey(secret)),
            new Dictionary<string, object> { ["tenant"] = "acme", ["roles"] = SensorRole }));
        var credential = new DeviceCredential(DeviceId, secret, _provider.TokenEndpoint, "127.0.0.1", gateway.MqttPort)
        {
            AuthMethod = TokenAuthMethod.ClientSecretBasic,
            MqttTls = false,
        };
        return new DeviceUnderTest(credential, withAccessToken);
    }

    private sealed class DeviceUnderTest : IDisposable
    {
        private readonly HostHttpTransport _http = new(TimeSpan.FromSeconds(10), null);
        private readonly MqttNetTransport _transport;
        private readonly Thread _thread;

        public DeviceUnderTest(DeviceCredential credential, bool withAccessToken)
        {
            var hmac = new HostHmacSha256();
            var random = new HostRandom();
            var clock = new DeviceClock(new HostClock());
            var keys = DeviceKeys.Derive(credential.Secret, hmac);
            AuthKey = keys.AuthKey;
            var tokens = new TokenClient(credential, keys, hmac, random, clock, _http, new HostJsonParser(), new TokenPolicy());
            _transport = new MqttNetTransport(credential.MqttHost, credential.MqttPort, null, TimeSpan.FromSeconds(10));
            IRenewalCredential renewal = withAccessToken
                ? new AccessTokenRenewalCredential(tokens)
                : new AssertionRenewalCredential(credential.DeviceId, credential.TokenEndpoint, keys.AuthKey, hmac, clock, random);
            var options = new SessionOptions { RenewalPercentMin = 40, RenewalPercentMax = 40, RenewalRetryMilliseconds = 500, InitialBackoffMilliseconds = 200 };
            Session = new SessionManager(credential.DeviceId, _transport, tokens, renewal, new M2M.Device.Core.Messaging.Outbox(4), clock, null, random, options);
            _thread = new Thread(Session.Run) { IsBackground = true };
        }

        public SessionManager Session { get; }

        public byte[] AuthKey { get; }

        public void Start() => _thread.Start();

        public void Dispose()
        {
            Session.Stop();
            _thread.Join(TimeSpan.FromSeconds(10));
            _transport.Dispose();
            _http.Dispose();
        }
    }
}
