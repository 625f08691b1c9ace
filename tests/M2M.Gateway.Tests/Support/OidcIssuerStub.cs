using System.Security.Cryptography;
using M2M.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace M2M.Gateway.Tests.Support;

/// <summary>
/// An external identity provider on loopback, as Keycloak or authentik look to the gateway: OpenID
/// Connect discovery metadata and a JWKS with its own RSA keys, which the test can rotate.
/// </summary>
public sealed class OidcIssuerStub : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _lock = new();
    private List<RsaSecurityKey> _keys = [];
    private int _jwksFetches;

    private OidcIssuerStub(WebApplication app, string authority)
    {
        _app = app;
        Authority = authority;
    }

    public string Authority { get; }

    /// <summary>How often the JWKS was fetched.</summary>
    public int JwksFetches => Volatile.Read(ref _jwksFetches);

    public static async Task<OidcIssuerStub> StartAsync()
    {
        var authority = $"http://127.0.0.1:{LoopbackPort.Free()}/realms/devices";
        var builder = WebApplication.CreateSlimBuilder(["--urls", new Uri(authority).GetLeftPart(UriPartial.Authority)]);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var stub = new OidcIssuerStub(app, authority);
        stub.Rotate("key-1");
        app.MapGet("/realms/devices/.well-known/openid-configuration", () => Results.Text(
            $$"""{"issuer":"{{authority}}","jwks_uri":"{{authority}}/protocol/openid-connect/certs","token_endpoint":"{{authority}}/protocol/openid-connect/token","id_token_signing_alg_values_supported":["RS256"]}""",
            "application/json"));
        app.MapGet("/realms/devices/protocol/openid-connect/certs", () =>
        {
            Interlocked.Increment(ref stub._jwksFetches);
            lock (stub._lock)
            {
                var keys = stub._keys.Select(k => JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(k.Rsa.ExportParameters(false)) { KeyId = k.KeyId }));
                var set = new { keys = keys.Select(k => new { kty = k.Kty, kid = k.Kid, use = "sig", alg = "RS256", n = k.N, e = k.E }) };
                return Results.Json(set);
            }
        });
        await app.StartAsync().ConfigureAwait(false);
        return stub;
    }

    /// <summary>
    /// The gateway's configuration that trusts this issuer (docs/tokens.md, "Trusted issuers") as a
    /// Keycloak realm is trusted: audience <c>m2m-gateway</c>, the device id in <c>azp</c>, the
    /// <c>tenant</c> and <c>roles</c> claims, RS256, its metadata over plain HTTP (loopback only).
    /// </summary>
    public string[] TrustedIssuerArguments() =>
    [
        "--Gateway:TrustedIssuers:0:Authority", Authority,
        "--Gateway:TrustedIssuers:0:Audience", "m2m-gateway",
        "--Gateway:TrustedIssuers:0:DeviceIdClaim", "azp",
        "--Gateway:TrustedIssuers:0:TenantClaim", "tenant",
        "--Gateway:TrustedIssuers:0:RolesClaim", "roles",
        "--Gateway:TrustedIssuers:0:Algorithms:0", "RS256",
        "--Gateway:TrustedIssuers:0:RequireHttps", "false",
    ];

    /// <summary>Replaces the published key set with one new key.</summary>
    public void Rotate(string keyId)
    {
        lock (_lock)
        {
            _keys = [new RsaSecurityKey(RSA.Create(2048)) { KeyId = keyId }];
        }
    }

    /// <summary>A token of this issuer, signed with its current key unless <paramref name="key"/> is given.</summary>
    public string Issue(Dictionary<string, object> claims, SecurityKey? key = null, string algorithm = SecurityAlgorithms.RsaSha256, DateTimeOffset? now = null)
    {
        SecurityKey signing;
        lock (_lock)
        {
            signing = key ?? _keys[0];
        }

        var at = now ?? DateTimeOffset.UtcNow;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Authority,
            IssuedAt = at.UtcDateTime,
            NotBefore = at.UtcDateTime,
            Expires = at.AddMinutes(5).UtcDateTime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(signing, algorithm),
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
