using System.Net;
using System.Text.Json;
using M2M.Gateway.Ingress.Seams;
using M2M.Gateway.Relay;
using M2M.Gateway.Tests.Support;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace M2M.Gateway.Tests;

/// <summary>
/// A device's token, fetched over HTTP, validates against the JWKS the metadata document points to
/// (RFC 8414, docs/protocol.md section 4) with the claims of section 4; the gateway's own validator
/// accepts it; a relayed record's signature verifies with the same JWKS.
/// </summary>
public class IssuedTokensValidateAgainstThePublishedJwksTests
{
    [Fact]
    public async Task TokenFromTheEndpointVerifiesWithTheJwksTheMetadataNames()
    {
        await using var gateway = await TokenGateway.StartAsync();
        var device = (await gateway.Registry.AddAsync("sensor-0001", "acme", ["reader", "writer"], default))!;
        using var client = gateway.HttpsClient();

        var metadata = await TokenGateway.MetadataAsync(client);
        var openId = await TokenGateway.MetadataAsync(client, "/.well-known/openid-configuration");
        using var response = await TokenGateway.RequestTokenAsync(client, [.. TokenGateway.Form(TestAssertion.Create(device, metadata.GetProperty("token_endpoint").GetString()!, DateTimeOffset.UtcNow)), ("client_id", "sensor-0001")]);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var jwksJson = await client.GetStringAsync(new Uri(metadata.GetProperty("jwks_uri").GetString()!));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal("no-cache", response.Headers.Pragma.ToString());
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        Assert.Equal(3600, body.GetProperty("expires_in").GetInt64());
        Assert.Equal(metadata.GetRawText(), openId.GetRawText());
        Assert.Equal(["client_credentials"], metadata.GetProperty("grant_types_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["client_secret_jwt"], metadata.GetProperty("token_endpoint_auth_methods_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["HS256"], metadata.GetProperty("token_endpoint_auth_signing_alg_values_supported").EnumerateArray().Select(e => e.GetString()));
        var issuer = metadata.GetProperty("issuer").GetString()!;
        Assert.Equal(issuer + "/oauth2/token", metadata.GetProperty("token_endpoint").GetString());

        var token = body.GetProperty("access_token").GetString()!;
        var jwks = new JsonWebKeySet(jwksJson);
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = issuer,
            ValidAudience = "urn:m2m:gateway",
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidAlgorithms = ["ES256"],
            ValidTypes = ["at+jwt"],
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        var jwt = (JsonWebToken)result.SecurityToken;
        Assert.Equal("sensor-0001", jwt.Subject);
        Assert.Equal("sensor-0001", jwt.GetClaim("client_id").Value);
        Assert.Equal("acme", jwt.GetClaim("tenant").Value);
        Assert.Equal(["reader", "writer"], jwt.Claims.Where(c => c.Type == "roles").Select(c => c.Value));
        Assert.Equal(1, jwt.GetPayloadValue<long>("m2m_gen"));
        Assert.Equal(jwt.IssuedAt, jwt.ValidFrom);
        Assert.Equal(TimeSpan.FromHours(1), jwt.ValidTo - jwt.IssuedAt);
        Assert.False(string.IsNullOrEmpty(jwt.Id));
        Assert.Contains(jwks.Keys, k => k.Kid == jwt.Kid && k.Kty == "EC" && k.Crv == "P-256" && k.Alg == "ES256" && k.D == null);

        var validation = await gateway.Service<IAccessTokenValidator>().ValidateAccessTokenAsync(token, default);
        Assert.Equal(CredentialValidation.OwnToken("sensor-0001", 1, jwt.IssuedAt, jwt.ValidTo), validation);
        Assert.NotNull((await gateway.Registry.FindAsync("sensor-0001", default))!.LastSeenAt);

        var record = gateway.Service<IRecordSigner>().Sign("""{"id":"r1"}"""u8, "m2m-record+jwt");
        var recordResult = await new JsonWebTokenHandler().ValidateTokenAsync(record, new TokenValidationParameters
        {
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
            RequireExpirationTime = false,
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidTypes = ["m2m-record+jwt"],
        });
        Assert.True(recordResult.IsValid, recordResult.Exception?.Message);
    }
}
