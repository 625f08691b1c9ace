using M2M.Gateway.Access;
using M2M.Gateway.Ingress.Seams;
using M2M.Gateway.Validation;
using Microsoft.IdentityModel.JsonWebTokens;

namespace M2M.Gateway.Tokens.Revocation;

/// <summary>The claims of a valid access token of the gateway's own issuer (docs/protocol.md section 4).</summary>
public sealed record IssuedTokenClaims(
    string TokenId,
    string Subject,
    string ClientId,
    string Issuer,
    IReadOnlyList<string> Audiences,
    string Tenant,
    IReadOnlyList<string> Roles,
    long Generation,
    DateTimeOffset IssuedAt,
    DateTimeOffset? NotBefore,
    DateTimeOffset ExpiresAt);

/// <summary>What <see cref="InspectToken"/> found.</summary>
/// <param name="Validation">The access-token validation's outcome (a revoked token: <see cref="AccessTokenValidator.Revoked"/>).</param>
/// <param name="Claims">The claims when the token is a valid token of the gateway's own issuer, else null.</param>
public sealed record TokenInspection(CredentialValidation Validation, IssuedTokenClaims? Claims)
{
    /// <summary>A valid token of a trusted external issuer: revoked at that issuer, not here.</summary>
    public bool IsExternal => Validation.Succeeded && Claims == null;
}

/// <summary>
/// The token stage of the revocation and introspection endpoints: the presented token goes through
/// the one access-token validation (<see cref="IAccessTokenValidator"/>: signature, issuer, audience,
/// type, lifetime with the skew, revocation), so those endpoints judge a token exactly as CONNECT does.
/// A token that validates as the gateway's own has its claims read (they are signed by the gateway).
/// </summary>
public sealed class InspectToken(IAccessTokenValidator validator)
{
    public async Task<TokenInspection> RunAsync(string token, CancellationToken cancellationToken)
    {
        var validation = await validator.ValidateBearerAsync(token, cancellationToken).ConfigureAwait(false);
        if (!validation.Succeeded || validation.CredentialGeneration is not { } generation || validation.TokenId is not { } tokenId)
        {
            return new TokenInspection(validation, null);
        }

        var jwt = new JsonWebToken(token);
        var tenant = jwt.TryGetPayloadValue<string>("tenant", out var t) ? t : string.Empty;
        // A service client's token names client:{id} (docs/tokens.md, "Service clients"), never a device.
        var subject = validation.ServiceClientId is { } service ? ServiceClientStore.SubjectPrefix + service : validation.DeviceId!;
        var clientId = jwt.TryGetPayloadValue<string>("client_id", out var c) ? c : subject;
        var roles = jwt.Claims.Where(claim => claim.Type == "roles").Select(claim => claim.Value).ToList();
        DateTimeOffset? notBefore = jwt.TryGetPayloadValue<long>("nbf", out var nbf) ? DateTimeOffset.FromUnixTimeSeconds(nbf) : null;
        return new TokenInspection(validation, new IssuedTokenClaims(
            tokenId, subject, clientId, jwt.Issuer, [.. jwt.Audiences], tenant, roles, generation,
            validation.IssuedAt!.Value, notBefore, validation.ExpiresAt));
    }
}
