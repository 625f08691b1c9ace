using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using M2M.Gateway.Tests.Support;
using M2M.Testing.Oidc;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;

namespace M2M.Gateway.Tests;

/// <summary>
/// Issue 15 item 4, federation (docs/tokens.md "Federation", RFC 7523 section 2.1): a real OpenID
/// Connect provider this project did not write (OpenIddict on loopback) issues a token to its own
/// client; the gateway, with the provider as a federation source (issuer, JWKS URL, expected
/// audience, a mapping of the token's <c>sub</c> to a service client), exchanges it for a gateway
/// token carrying the service client's tenant and roles, which works on the admin API. Refused with
/// 400 <c>invalid_grant</c> and a stable reason: a wrong audience, an unmapped subject, an expired
/// assertion (the gateway's injected clock), another issuer, a signature by another key.
/// </summary>
public sealed class ServicesExchangeAJwtOfATrustedFederationSourceTests : IAsyncLifetime
{
    private const string Audience = "https://gateway.example/federation";
    private const string JwtBearer = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    private static readonly string[] OperatorRole = ["operator"];

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private OpenIddictProvider _provider = null!;
    private TokenGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _provider = await OpenIddictProvider.StartAsync(TimeSpan.FromMinutes(5));
        await _provider.AddClientAsync(new OidcClient("ci-runner", "ci-runner-secret", Audiences: [Audience]));
        await _provider.AddClientAsync(new OidcClient("stranger", "stranger-secret", Audiences: [Audience]));
        await _provider.AddClientAsync(new OidcClient("elsewhere", "elsewhere-secret", Audiences: ["https://another.example"]));
        _gateway = await TokenGateway.StartWithAdminAsync(_clock, null,
            "--Gateway:Federation:0:Name", "ci",
            "--Gateway:Federation:0:Issuer", _provider.Issuer,
            "--Gateway:Federation:0:JwksUrl", _provider.Issuer + ".well-known/jwks",
            "--Gateway:Federation:0:Audience", Audience,
            "--Gateway:Federation:0:Clients:0:Value", "ci-runner",
            "--Gateway:Federation:0:Clients:0:ClientId", "acme-deployer",
            "--Gateway:Federation:0:Clients:1:Value", "elsewhere",
            "--Gateway:Federation:0:Clients:1:ClientId", "acme-deployer",
            "--Gateway:Federation:0:Algorithms:0", "RS256",
            "--Gateway:Federation:0:RequireHttps", "false");
        await _gateway.Registry.AddAsync("acme-meter", "acme", [], default);
        await _gateway.Registry.AddAsync("globex-meter", "globex", [], default);
        using var admin = AdminClient(await _gateway.CreateKeyAsync(["admin"]));
        await ServiceClients.CreateClientAsync(admin, "acme-deployer", OperatorRole, "acme");
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _provider.DisposeAsync();
    }

    [Fact]
    public async Task TheProvidersTokenIsExchangedForAGatewayTokenOfTheMappedClient()
    {
        var assertion = await _provider.RequestTokenAsync("ci-runner", "ci-runner-secret");

        using var http = _gateway.Client();
        var token = await ServiceClients.AccessTokenAsync(await ExchangeAsync(http, assertion));

        var jwt = new JsonWebToken(token);
        Assert.Equal("client:acme-deployer", jwt.Subject);
        Assert.Equal("acme", jwt.GetPayloadValue<string>("tenant"));
        Assert.Equal(OperatorRole, jwt.Claims.Where(c => c.Type == "roles").Select(c => c.Value));
        using var client = AdminClient(token);
        var (status, _, devices) = await ServiceClients.GetAsync(client, "/admin/v1/devices");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["acme-meter"], JsonDocument.Parse(devices).RootElement.EnumerateArray().Select(d => d.GetProperty("id").GetString()));
        Assert.Contains(_gateway.Audit.Events, e => e.Action == "token.issue" && e.Actor == "client:acme-deployer" && e.Target == "federation:ci");

        // Not single-use: the platform's token is presented again until it is replaced.
        Assert.Equal(HttpStatusCode.OK, (await ExchangeAsync(http, assertion)).StatusCode);
    }

    public static TheoryData<string> Refusals => ["wrong audience", "unknown subject", "expired", "wrong issuer", "signed by another key"];

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task AnAssertionTheSourceDidNotIssueForThisGatewayIsRefused(string name)
    {
        var (assertion, reason) = name switch
        {
            // Mapped, but issued for another audience.
            "wrong audience" => (await _provider.RequestTokenAsync("elsewhere", "elsewhere-secret"), "assertion_wrong_audience"),
            "unknown subject" => (await _provider.RequestTokenAsync("stranger", "stranger-secret"), "assertion_unknown_subject"),
            "wrong issuer" => (await OtherProviderTokenAsync(), "assertion_unknown_issuer"),
            "signed by another key" => (Resign(await _provider.RequestTokenAsync("ci-runner", "ci-runner-secret")), "assertion_bad_signature"),
            _ => (await _provider.RequestTokenAsync("ci-runner", "ci-runner-secret"), "assertion_expired"),
        };
        if (name == "expired")
        {
            // Past the provider's 5-minute lifetime and the 60 s skew, on the gateway's clock.
            _clock.SetUtcNow(DateTimeOffset.UtcNow + TimeSpan.FromMinutes(6) + TimeSpan.FromSeconds(1));
        }

        using var http = _gateway.Client();
        using var response = await ExchangeAsync(http, assertion);

        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_grant", JsonDocument.Parse(body).RootElement.GetProperty("error").GetString());
        Assert.DoesNotContain("access_token", body, StringComparison.Ordinal);
        Assert.Equal(reason, Assert.Single(_gateway.Audit.Events, e => e.Action == "token.refused").Outcome);
    }

    private static async Task<HttpResponseMessage> ExchangeAsync(HttpClient http, string assertion) =>
        await TokenGateway.RequestTokenAsync(http, ("grant_type", JwtBearer), ("assertion", assertion));

    private HttpClient AdminClient(string bearer)
    {
        var client = _gateway.Client();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        return client;
    }

    /// <summary>A token for the same client id and audience from another provider (another issuer).</summary>
    private static async Task<string> OtherProviderTokenAsync()
    {
        await using var other = await OpenIddictProvider.StartAsync();
        await other.AddClientAsync(new OidcClient("ci-runner", "ci-runner-secret", Audiences: [Audience]));
        return await other.RequestTokenAsync("ci-runner", "ci-runner-secret");
    }

    /// <summary>The provider's token, header (its kid) and claims unchanged, signed RS256 by a key the provider never published.</summary>
    private static string Resign(string token)
    {
        var parts = token.Split('.');
        using var key = RSA.Create(2048);
        var signingInput = parts[0] + "." + parts[1];
        return signingInput + "." + Base64Url.EncodeToString(key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }
}
