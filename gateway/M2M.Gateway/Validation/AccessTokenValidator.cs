using System.Buffers.Text;
using System.Text.Json;
using M2M.Gateway.Ingress.Seams;
using M2M.Gateway.Policies;
using M2M.Gateway.Tokens;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace M2M.Gateway.Validation;

/// <summary>An issuer the validator accepts and how its claims map.</summary>
/// <param name="Issuer">The exact <c>iss</c>.</param>
/// <param name="Audiences">The accepted <c>aud</c> values (any one suffices).</param>
/// <param name="DeviceIdAudience">Also accept an <c>aud</c> naming the device id (authentik: one provider per device).</param>
/// <param name="Algorithms">The algorithm allow-list.</param>
/// <param name="Keys">Where its keys come from.</param>
/// <param name="DeviceIdClaim">The claim carrying the device id.</param>
/// <param name="TenantClaim">The claim carrying the tenant, which must equal the registry's; or null. The registry's tenant applies either way.</param>
/// <param name="RolesClaim">The claim carrying the roles, which narrow the registry's; or null.</param>
/// <param name="TokenType">The required <c>typ</c> header, or null for any.</param>
public sealed record AcceptedIssuer(string Issuer, IReadOnlyList<string> Audiences, bool DeviceIdAudience, IReadOnlyList<string> Algorithms, IIssuerKeys Keys, string DeviceIdClaim, string? TenantClaim, string? RolesClaim, string? TokenType);

/// <summary>
/// The one access-token validation (docs/protocol.md sections 4 and 5.1, issue #4 item 5): the
/// gateway's own tokens (ES256, <c>typ</c> at+jwt, keys from the key ring) and those of the trusted
/// external issuers (their JWKS). Microsoft.IdentityModel's <see cref="JsonWebTokenHandler"/> checks
/// signature, issuer, audience and type; the lifetime is checked here against the injected clock with
/// the configured skew. Never throws for a bad token: every refusal is a stable reason label. A valid
/// token comes back with what binds it to a registration (docs/tokens.md, "Binding a token to its
/// registration"): the gateway's own tokens their <c>m2m_gen</c> (required), every token its <c>iat</c>
/// (required); the ingress checks both against the device directory.
/// </summary>
public sealed partial class AccessTokenValidator(
    GatewayIssuer ownIssuer,
    OwnIssuerKeys ownKeys,
    TrustedIssuers trusted,
    IOptions<TokenOptions> options,
    TimeProvider time,
    ILogger<AccessTokenValidator> logger) : IAccessTokenValidator
{
    // Bounds the parse: far above any real access token, far below the MQTT password limit.
    private const int MaxTokenLength = 16 * 1024;

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private AcceptedIssuer? _own;
    private readonly TimeSpan _skew = options.Value.ClockSkew;

    public async ValueTask<CredentialValidation> ValidateAccessTokenAsync(string token, CancellationToken cancellationToken)
    {
        JsonWebToken jwt;
        try
        {
            if (token.Length > MaxTokenLength || token.Split('.').Length != 3)
            {
                return Invalid("malformed_token");
            }

            jwt = new JsonWebToken(token);
        }
        catch (ArgumentException)
        {
            return Invalid("malformed_token");
        }

        var issuer = Find(jwt.Issuer);
        if (issuer == null)
        {
            return Invalid("unknown_issuer");
        }

        // The allow-list first, from the header alone: "none", an HMAC where a public-key signature
        // is expected (RFC 8725 section 2.1), or anything else not listed never reaches a key.
        if (!issuer.Algorithms.Contains(jwt.Alg, StringComparer.Ordinal))
        {
            return Invalid("unsupported_alg");
        }

        IEnumerable<SecurityKey> keys;
        try
        {
            keys = await issuer.Keys.GetKeysAsync(string.IsNullOrEmpty(jwt.Kid) ? null : jwt.Kid, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Unreachable, unparsable or inconsistent metadata: the token cannot be judged now.
            LogKeysUnavailable(exception, issuer.Issuer);
            return CredentialValidation.Unavailable("issuer_unavailable");
        }

        var result = await _handler.ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            ValidIssuer = issuer.Issuer,
            ValidAudiences = issuer.Audiences,
            // An audience that is the device id can only be judged once the device id is read (CheckClaims).
            ValidateAudience = !issuer.DeviceIdAudience,
            ValidAlgorithms = issuer.Algorithms,
            ValidTypes = issuer.TokenType == null ? null : [issuer.TokenType],
            IssuerSigningKeys = keys,
            TryAllIssuerSigningKeys = string.IsNullOrEmpty(jwt.Kid),
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            // Checked below against the injected clock, which the tests control.
            ValidateLifetime = false,
        }).ConfigureAwait(false);
        if (!result.IsValid)
        {
            return Invalid(Reason(result.Exception));
        }

        return CheckClaims(jwt, issuer);
    }

    public ValueTask<string?> RenewalAudienceAsync(string issuer, CancellationToken cancellationToken) =>
        trusted.RenewalAudienceAsync(issuer, cancellationToken);

    private AcceptedIssuer? Find(string? iss)
    {
        if (string.IsNullOrEmpty(iss))
        {
            return null;
        }

        if (string.Equals(iss, ownIssuer.Issuer, StringComparison.Ordinal))
        {
            // docs/protocol.md section 4: ES256 only, typ at+jwt. Its tenant and roles claims have no
            // say: the registry's current record decides (decision 3).
            return _own ??= new AcceptedIssuer(ownIssuer.Issuer, [ownIssuer.Audience], false, [SecurityAlgorithms.EcdsaSha256], ownKeys, "sub", null, null, "at+jwt");
        }

        return trusted.Find(iss);
    }

    private CredentialValidation CheckClaims(JsonWebToken jwt, AcceptedIssuer issuer)
    {
        var now = time.GetUtcNow();
        if (!jwt.TryGetPayloadValue<long>("exp", out var exp))
        {
            return Invalid("missing_exp");
        }

        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(exp);
        if (expiresAt + _skew <= now)
        {
            return Invalid("expired");
        }

        if (jwt.TryGetPayloadValue<long>("nbf", out var nbf) && DateTimeOffset.FromUnixTimeSeconds(nbf) - _skew > now)
        {
            return Invalid("not_yet_valid");
        }

        // The payload as JSON: Microsoft.IdentityModel reads sub, iss and jti as text even when they
        // are numbers; a device id must be a JSON string.
        using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(jwt.EncodedPayload));
        var deviceId = ClaimPath.Text(payload.RootElement, issuer.DeviceIdClaim);
        if (deviceId == null)
        {
            return Invalid("missing_device_id");
        }

        if (issuer.DeviceIdAudience)
        {
            var audiences = ClaimPath.Strings(payload.RootElement, "aud");
            if (!audiences.Contains(deviceId, StringComparer.Ordinal) && !audiences.Any(issuer.Audiences.Contains))
            {
                return Invalid("wrong_audience");
            }
        }

        // RFC 9068 section 2.2 requires iat; the binding of an external issuer's token rests on it.
        if (!TryReadTime(payload.RootElement, "iat", out var issuedAt))
        {
            return Invalid("missing_iat");
        }

        if (string.Equals(issuer.Issuer, ownIssuer.Issuer, StringComparison.Ordinal))
        {
            // The credential generation the token was issued for (docs/protocol.md section 4).
            return payload.RootElement.TryGetProperty(IssueToken.GenerationClaim, out var generation)
                && generation.ValueKind == JsonValueKind.Number && generation.TryGetInt64(out var value) && value > 0
                ? CredentialValidation.OwnToken(deviceId, value, issuedAt, expiresAt) with { Claims = CelValues.Map(payload.RootElement) }
                : Invalid("missing_generation");
        }

        // A configured tenant claim must be there (the ingress compares it with the registry's); a
        // configured roles claim that is absent grants no role (it can only narrow the registry's).
        string? tenant = null;
        if (issuer.TenantClaim != null && (tenant = ClaimPath.Text(payload.RootElement, issuer.TenantClaim)) == null)
        {
            return Invalid("missing_tenant");
        }

        var roles = issuer.RolesClaim == null ? null : ClaimPath.Strings(payload.RootElement, issuer.RolesClaim);
        return CredentialValidation.ExternalToken(deviceId, tenant, roles, issuedAt, expiresAt, issuer.Issuer) with { Claims = CelValues.Map(payload.RootElement) };
    }

    /// <summary>A NumericDate (RFC 7519 section 2), fractions truncated to whole seconds; false when absent or not a time.</summary>
    private static bool TryReadTime(JsonElement payload, string name, out DateTimeOffset time)
    {
        time = default;
        if (!payload.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var seconds)
            || seconds < 0 || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return false;
        }

        time = DateTimeOffset.FromUnixTimeSeconds((long)seconds);
        return true;
    }

    private static CredentialValidation Invalid(string reason) => CredentialValidation.Invalid(reason);

    /// <summary>Stable labels for Microsoft.IdentityModel's refusals.</summary>
    private static string Reason(Exception? exception) => exception switch
    {
        SecurityTokenSignatureKeyNotFoundException => "unknown_key",
        SecurityTokenInvalidSignatureException => "bad_signature",
        SecurityTokenInvalidAlgorithmException => "unsupported_alg",
        SecurityTokenInvalidAudienceException => "wrong_audience",
        SecurityTokenInvalidIssuerException => "wrong_issuer",
        SecurityTokenInvalidTypeException => "wrong_type",
        SecurityTokenNoExpirationException => "missing_exp",
        SecurityTokenMalformedException => "malformed_token",
        _ => "invalid_token",
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Keys of the trusted issuer {Issuer} cannot be fetched")]
    private partial void LogKeysUnavailable(Exception exception, string issuer);
}
