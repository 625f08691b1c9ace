using System.Buffers.Text;
using System.Security.Cryptography;
using M2M.Gateway.Access;
using M2M.Gateway.Keys;
using M2M.Gateway.Registry;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace M2M.Gateway.Tokens;

/// <summary>An issued access token and its lifetime in seconds (RFC 6749 section 5.1).</summary>
public sealed record IssuedToken(string AccessToken, long ExpiresIn);

/// <summary>
/// The last stage: an access token in the profile of RFC 9068 (docs/protocol.md section 4), signed
/// ES256 with the key ring's current key, by Microsoft.IdentityModel's <see cref="JsonWebTokenHandler"/>.
/// It names the credential generation it was issued for (<see cref="GenerationClaim"/>), which binds
/// it to this registration and this secret: the ingress refuses it once the generation moved on.
/// </summary>
public sealed class IssueToken(SigningKeyRing keys, GatewayIssuer issuer, IOptions<TokenOptions> options, TimeProvider time)
{
    /// <summary>The private claim with the device's credential generation (docs/protocol.md section 4).</summary>
    public const string GenerationClaim = "m2m_gen";

    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly TimeSpan _lifetime = options.Value.AccessTokenLifetime;

    /// <summary>A device's token: <c>sub</c> and <c>client_id</c> its id, its tenant and roles (informational), its credential generation.</summary>
    public IssuedToken Run(RegisteredDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return Create(device.DeviceId, device.DeviceId, device.Tenant, device.Roles, device.CredentialGeneration);
    }

    /// <summary>
    /// A service client's token (docs/tokens.md, "Service clients"): <c>sub</c>
    /// <see cref="ServiceClientStore.SubjectPrefix"/> + its id (never a device id, which holds no
    /// colon), <c>client_id</c> its id, the tenant it acts in (absent when global) and the roles it
    /// holds, and the generation of its secret: a rotation or revocation of the client ends the token.
    /// </summary>
    public IssuedToken Run(ApiKey client, string? tenant, IReadOnlyList<string> roles)
    {
        ArgumentNullException.ThrowIfNull(client);
        return Create(ServiceClientStore.SubjectPrefix + client.Id, client.Id, tenant, roles, client.Generation);
    }

    private IssuedToken Create(string subject, string clientId, string? tenant, IReadOnlyList<string> roles, long generation)
    {
        var now = time.GetUtcNow();
        var key = keys.Current;
        var claims = new Dictionary<string, object>
        {
            ["sub"] = subject,
            ["client_id"] = clientId,
            ["jti"] = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16)),
            ["roles"] = roles.ToArray(),
            [GenerationClaim] = generation,
        };
        if (tenant != null)
        {
            claims["tenant"] = tenant;
        }

        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer.Issuer,
            Audience = issuer.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + _lifetime).UtcDateTime,
            TokenType = "at+jwt",
            SigningCredentials = new SigningCredentials(key.SecurityKey, SecurityAlgorithms.EcdsaSha256),
            Claims = claims,
        });
        return new IssuedToken(token, (long)_lifetime.TotalSeconds);
    }
}
