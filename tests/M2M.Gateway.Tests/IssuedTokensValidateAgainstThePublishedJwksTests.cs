using System.Net;
using System.Text.Json;
using M2M.Gateway.Ingress.Seams;
using M2M.Gateway.Relay;
using M2M.Gateway.Tests.Support;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace M2M.Gateway.Tests;

/// <summary>One gateway, one device, and one token it fetched over HTTPS from the endpoint the metadata names.</summary>
public sealed class IssuedTokenGateway : IAsyncLifetime
{
    public TokenGateway Gateway { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public JsonElement Metadata { get; private set; }

    public HttpResponseMessage Response { get; private set; } = null!;

    public JsonElement Body { get; private set; }

    public JsonWebKeySet Jwks { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Gateway = await TokenGateway.StartAsync();
        var device = (await Gateway.Registry.AddAsync("sensor-0001", "acme", ["reader", "writer"], default))!;
        Client = Gateway.HttpsClient();
        Metadata = await TokenGateway.MetadataAsync(Client);
        Response = await TokenGateway.RequestTokenAsync(Client, [.. TokenGateway.Form(TestAssertion.Create(device, Metadata.GetProperty("token_endpoint").GetString()!, DateTimeOffset.UtcNow)), ("client_id", "sensor-0001")]);
        Body = JsonDocument.Parse(await Response.Content.ReadAsStringAsync()).RootElement.Clone();
        Jwks = new JsonWebKeySet(await Client.GetStringAsync(new Uri(Metadata.GetProperty("jwks_uri").GetString()!)));
    }

    public async Task DisposeAsync()
    {
        Response.Dispose();
        Client.Dispose();
        await Gateway.DisposeAsync();
    }

    /// <summary>The access token, validated against the published JWKS as any relying party would (RFC 9068).</summary>
    public async Task<JsonWebToken> ValidatedTokenAsync()
    {
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(Body.GetProperty("access_token").GetString()!, new TokenValidationParameters
        {
            ValidIssuer = Metadata.GetProperty("issuer").GetString(),
            ValidAudience = "urn:m2m:gateway",
            IssuerSigningKeys = Jwks.GetSigningKeys(),
            ValidAlgorithms = ["ES256"],
            ValidTypes = ["at+jwt"],
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        return (JsonWebToken)result.SecurityToken;
    }
}

/// <summary>
/// A device's token, fetched over HTTPS, validates against the JWKS the metadata document points to
/// (RFC 8414, docs/protocol.md section 4) with the claims of section 4; the gateway's own validator
/// accepts it; a relayed record's signature verifies with the same JWKS.
/// </summary>
public class IssuedTokensValidateAgainstThePublishedJwksTests(IssuedTokenGateway fixture) : IClassFixture<IssuedTokenGateway>
{
    [Fact]
    public void TheMetadataNamesTheClientCredentialsGrantWithHs256Assertions()
    {
        var metadata = fixture.Metadata;
        var issuer = metadata.GetProperty("issuer").GetString()!;

        Assert.Equal(issuer + "/oauth2/token", metadata.GetProperty("token_endpoint").GetString());
        Assert.Equal(["client_credentials", "urn:ietf:params:oauth:grant-type:jwt-bearer"], metadata.GetProperty("grant_types_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["client_secret_jwt", "client_secret_basic", "client_secret_post"], metadata.GetProperty("token_endpoint_auth_methods_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["HS256"], metadata.GetProperty("token_endpoint_auth_signing_alg_values_supported").EnumerateArray().Select(e => e.GetString()));

        // RFC 7009 and RFC 7662, as RFC 8414 section 2 names them.
        Assert.Equal(issuer + "/oauth2/revoke", metadata.GetProperty("revocation_endpoint").GetString());
        Assert.Equal(["client_secret_jwt", "bearer"], metadata.GetProperty("revocation_endpoint_auth_methods_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(issuer + "/oauth2/introspect", metadata.GetProperty("introspection_endpoint").GetString());
        Assert.Equal(["bearer"], metadata.GetProperty("introspection_endpoint_auth_methods_supported").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task TheOpenIdConfigurationIsTheSameDocument()
    {
        var openId = await TokenGateway.MetadataAsync(fixture.Client, "/.well-known/openid-configuration");

        Assert.Equal(fixture.Metadata.GetRawText(), openId.GetRawText());
    }

    [Fact]
    public void TheResponseIsAnUncachedBearerTokenForAnHour()
    {
        Assert.Equal(HttpStatusCode.OK, fixture.Response.StatusCode);
        Assert.Equal("no-store", fixture.Response.Headers.CacheControl?.ToString());
        Assert.Equal("no-cache", fixture.Response.Headers.Pragma.ToString());
        Assert.Equal("Bearer", fixture.Body.GetProperty("token_type").GetString());
        Assert.Equal(3600, fixture.Body.GetProperty("expires_in").GetInt64());
    }

    [Fact]
    public async Task TheTokenVerifiesWithThePublishedJwksAndCarriesTheClaimsOfSection4()
    {
        var jwt = await fixture.ValidatedTokenAsync();

        Assert.Equal("sensor-0001", jwt.Subject);
        Assert.Equal("sensor-0001", jwt.GetClaim("client_id").Value);
        Assert.Equal("acme", jwt.GetClaim("tenant").Value);
        Assert.Equal(["reader", "writer"], jwt.Claims.Where(c => c.Type == "roles").Select(c => c.Value));
        Assert.Equal(1, jwt.GetPayloadValue<long>("m2m_gen"));
        Assert.Equal(jwt.IssuedAt, jwt.ValidFrom);
        Assert.Equal(TimeSpan.FromHours(1), jwt.ValidTo - jwt.IssuedAt);
        Assert.False(string.IsNullOrEmpty(jwt.Id));
        Assert.Contains(fixture.Jwks.Keys, k => k.Kid == jwt.Kid && k.Kty == "EC" && k.Crv == "P-256" && k.Alg == "ES256" && k.D == null);
    }

    [Fact]
    public async Task TheGatewaysOwnValidatorAcceptsItForTheDevice()
    {
        var jwt = await fixture.ValidatedTokenAsync();

        var validation = await fixture.Gateway.Service<IAccessTokenValidator>().ValidateAccessTokenAsync(jwt.EncodedToken, default);

        // "ok": the result label of a valid token (docs/ingress.md, m2m_token_validations_total).
        Assert.Equal("ok", validation.Reason);
        Assert.Equal(CredentialStatus.Valid, validation.Status);
        Assert.Equal(CredentialValidation.OwnToken("sensor-0001", 1, jwt.IssuedAt, jwt.ValidTo, jwt.Id), validation with { Claims = null });

        // Every claim, as the expression policies read it (docs/policies.md): integral numbers are
        // CEL ints (long), arrays lists, each compared by value and type.
        var expected = new Dictionary<string, object?>
        {
            ["aud"] = "urn:m2m:gateway",
            ["iss"] = fixture.Metadata.GetProperty("issuer").GetString(),
            ["exp"] = jwt.GetPayloadValue<long>("exp"),
            ["iat"] = jwt.GetPayloadValue<long>("iat"),
            ["nbf"] = jwt.GetPayloadValue<long>("nbf"),
            ["sub"] = "sensor-0001",
            ["client_id"] = "sensor-0001",
            ["jti"] = jwt.Id,
            ["tenant"] = "acme",
            ["roles"] = new List<object?> { "reader", "writer" },
            ["m2m_gen"] = 1L,
        };
        Assert.Equal(expected.OrderBy(c => c.Key).Select(c => (c.Key, Describe(c.Value))), validation.Claims!.OrderBy(c => c.Key).Select(c => (c.Key, Describe(c.Value))));
    }

    private static string Describe(object? value) => value switch
    {
        IEnumerable<object?> list => "[" + string.Join(",", list.Select(Describe)) + "]",
        _ => $"{value?.GetType().Name}:{value}",
    };

    [Fact]
    public async Task IssuingMarksTheDeviceAsSeen() =>
        Assert.NotNull((await fixture.Gateway.Registry.FindAsync("sensor-0001", default))!.LastSeenAt);

    [Fact]
    public async Task ARelayedRecordsSignatureVerifiesWithTheSameJwks()
    {
        var record = fixture.Gateway.Service<IRecordSigner>().Sign("""{"id":"r1"}"""u8, "m2m-record+jwt");

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(record, new TokenValidationParameters
        {
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
            RequireExpirationTime = false,
            IssuerSigningKeys = fixture.Jwks.GetSigningKeys(),
            ValidTypes = ["m2m-record+jwt"],
        });

        Assert.True(result.IsValid, result.Exception?.Message);
    }
}
