using System.Buffers.Text;
using System.Text.Json;
using M2M.Gateway.Access;
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
    ITokenRevocations revocations,
    IOptions<TokenOptions> options,
    TimeProvider time,
    ILogger<AccessTokenValidator> logger) : IAccessTokenValidator
{
    /// <summary>The reason of a revoked token (RFC 7009); CONNECT counts it as <c>token_revoked</c>.</summary>
    public const string Revoked = "revoked";

    // Bounds the parse: far above any real access token, far below the MQTT password limit.
    private const int MaxTokenLength = 16 * 1024;

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private AcceptedIssuer? _own;
    private readonly TimeSpan _skew = options.Value.ClockSkew;

    /// <summary>The reason a service client's token gets where a device's is expected.</summary>
    public const string ServiceTokenReason = "service_token";

    public async ValueTask<CredentialValidation> ValidateAccessTokenAsync(string token, CancellationToken cancellationToken)
    {
        var validation = await ValidateBearerAsync(token, cancellationToken).ConfigureAwait(false);
        return validation.ServiceClientId == null ? validation : Invalid(ServiceTokenReason);
    }

    public async ValueTask<CredentialValidation> ValidateBearerAsync(string token, CancellationToken cancellationToken)
    {
        if (Read(token) is not { } jwt)
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

        var parameters = Parameters(jwt, issuer.Issuer, issuer.Audiences, issuer.Algorithms, keys);

        // An audience that is the device id can only be judged once the device id is read (CheckClaims).
        parameters.ValidateAudience = !issuer.DeviceIdAudience;
        parameters.ValidTypes = issuer.TokenType == null ? null : [issuer.TokenType];
        var result = await _handler.ValidateTokenAsync(jwt, parameters).ConfigureAwait(false);
        if (!result.IsValid)
        {
            return Invalid(Reason(result.Exception));
        }

        return CheckClaims(jwt, issuer);
    }

    /// <summary>
    /// What Microsoft.IdentityModel checks of a token of <paramref name="issuer"/> (also of a federation
    /// assertion): signature under one of <paramref name="keys"/> (any, when the token names no kid),
    /// an allowed algorithm, the issuer, one of the audiences, an <c>exp</c>. The lifetime is judged
    /// by <see cref="CheckLifetime"/> against the injected clock, which the tests control.
    /// </summary>
    internal static TokenValidationParameters Parameters(JsonWebToken jwt, string issuer, IEnumerable<string> audiences, IEnumerable<string> algorithms, IEnumerable<SecurityKey> keys) => new()
    {
        ValidIssuer = issuer,
        ValidAudiences = audiences,
        ValidAlgorithms = algorithms,
        IssuerSigningKeys = keys,
        TryAllIssuerSigningKeys = string.IsNullOrEmpty(jwt.Kid),
        RequireSignedTokens = true,
        RequireExpirationTime = true,
        ValidateLifetime = false,
    };

    /// <summary>
    /// A JWS compact serialization of at most 16 KiB with three parts, parsed by Microsoft.IdentityModel;
    /// null when it is not one. Also used for federation assertions.
    /// </summary>
    internal static JsonWebToken? Read(string token)
    {
        try
        {
            return token.Length > MaxTokenLength || token.Split('.').Length != 3 ? null : new JsonWebToken(token);
        }
        catch (ArgumentException)
        {
            return null;
        }
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
        // The payload as JSON: Microsoft.IdentityModel reads sub, iss and jti as text even when they
        // are numbers; a device id must be a JSON string. Its reader stops after the first JSON
        // value, so a signed payload with bytes after the object (RFC 7519 section 7.2 step 10: the
        // payload must be a JSON object) reaches this point and is malformed here.
        JsonDocument payload;
        try
        {
            payload = JsonDocument.Parse(Base64Url.DecodeFromChars(jwt.EncodedPayload));
        }
        catch (Exception exception) when (exception is JsonException or FormatException)
        {
            return Invalid("malformed_token");
        }

        using var parsed = payload;
        var root = payload.RootElement;

        if (CheckLifetime(root, time.GetUtcNow(), _skew, out var expiresAt) is { } outOfTime)
        {
            return Invalid(outOfTime);
        }

        var deviceId = ClaimPath.Text(root, issuer.DeviceIdClaim);
        if (deviceId == null)
        {
            return Invalid("missing_device_id");
        }

        if (issuer.DeviceIdAudience)
        {
            var audiences = ClaimPath.Strings(root, "aud");
            if (!audiences.Contains(deviceId, StringComparer.Ordinal) && !audiences.Any(issuer.Audiences.Contains))
            {
                return Invalid("wrong_audience");
            }
        }

        // RFC 9068 section 2.2 requires iat; the binding of an external issuer's token rests on it.
        if (ReadTime(root, "iat", out var issuedAt) != TimeClaim.Time)
        {
            return Invalid("missing_iat");
        }

        if (string.Equals(issuer.Issuer, ownIssuer.Issuer, StringComparison.Ordinal))
        {
            // The credential generation the token was issued for (docs/protocol.md section 4).
            if (!root.TryGetProperty(IssueToken.GenerationClaim, out var generation)
                || generation.ValueKind != JsonValueKind.Number || !generation.TryGetInt64(out var value) || value <= 0)
            {
                return Invalid("missing_generation");
            }

            // RFC 9068 section 2.2 requires jti; it is what a revocation names (RFC 7009).
            if (ClaimPath.Text(root, "jti") is not { } tokenId)
            {
                return Invalid("missing_jti");
            }

            if (revocations.IsRevoked(tokenId))
            {
                return Invalid(Revoked);
            }

            // A service client's token (docs/tokens.md, "Service clients"): its sub is client:{id},
            // which no device id can be; its tenant (absent: every tenant) and roles are as issued.
            return deviceId.StartsWith(ServiceClientStore.SubjectPrefix, StringComparison.Ordinal)
                ? CredentialValidation.ServiceToken(deviceId[ServiceClientStore.SubjectPrefix.Length..], ClaimPath.Text(root, "tenant"), ClaimPath.Strings(root, "roles"),
                    value, issuedAt, expiresAt, tokenId) with { Claims = CelValues.Map(root) }
                : CredentialValidation.OwnToken(deviceId, value, issuedAt, expiresAt, tokenId) with { Claims = CelValues.Map(root) };
        }

        // A configured tenant claim must be there (the ingress compares it with the registry's); a
        // configured roles claim that is absent grants no role (it can only narrow the registry's).
        string? tenant = null;
        if (issuer.TenantClaim != null && (tenant = ClaimPath.Text(root, issuer.TenantClaim)) == null)
        {
            return Invalid("missing_tenant");
        }

        var roles = issuer.RolesClaim == null ? null : ClaimPath.Strings(root, issuer.RolesClaim);
        return CredentialValidation.ExternalToken(deviceId, tenant, roles, issuedAt, expiresAt, issuer.Issuer) with { Claims = CelValues.Map(root) };
    }

    /// <summary>
    /// Null when the token's lifetime includes <paramref name="now"/> (<c>exp</c> required, <c>nbf</c>
    /// optional, each with <paramref name="skew"/>); otherwise <c>missing_exp</c>, <c>malformed_token</c>,
    /// <c>expired</c> or <c>not_yet_valid</c>. Also used for federation assertions, so every JWT the
    /// gateway accepts is timed by the injected clock the same way.
    /// </summary>
    internal static string? CheckLifetime(JsonElement root, DateTimeOffset now, TimeSpan skew, out DateTimeOffset expiresAt)
    {
        // exp and nbf are NumericDates (RFC 7519 section 4.1.4, 4.1.5). One that is not a number of
        // seconds within what a date holds (years 1-9999) is malformed, never an exception; the skew
        // moves "now", not the claim, so an exp at the end of year 9999 cannot overflow.
        switch (ReadTime(root, "exp", out expiresAt))
        {
            case TimeClaim.Absent:
                return "missing_exp";
            case TimeClaim.Invalid:
                return "malformed_token";
        }

        if (expiresAt <= now - skew)
        {
            return "expired";
        }

        return ReadTime(root, "nbf", out var notBefore) switch
        {
            TimeClaim.Invalid => "malformed_token",
            TimeClaim.Time when notBefore > now + skew => "not_yet_valid",
            _ => null,
        };
    }

    private enum TimeClaim
    {
        Absent,
        Invalid,
        Time,
    }

    /// <summary>
    /// A NumericDate (RFC 7519 section 2), fractions truncated to whole seconds: absent, or not a
    /// number of seconds from 1970 to the end of year 9999 (invalid), or the time.
    /// </summary>
    private static TimeClaim ReadTime(JsonElement payload, string name, out DateTimeOffset time)
    {
        time = default;
        if (!payload.TryGetProperty(name, out var value))
        {
            return TimeClaim.Absent;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var seconds)
            || !(seconds >= 0 && seconds < DateTimeOffset.MaxValue.ToUnixTimeSeconds() + 1))
        {
            return TimeClaim.Invalid;
        }

        time = DateTimeOffset.FromUnixTimeSeconds((long)seconds);
        return TimeClaim.Time;
    }

    private static CredentialValidation Invalid(string reason) => CredentialValidation.Invalid(reason);

    /// <summary>Stable labels for Microsoft.IdentityModel's refusals (of access tokens and federation assertions alike).</summary>
    internal static string Reason(Exception? exception) => exception switch
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
