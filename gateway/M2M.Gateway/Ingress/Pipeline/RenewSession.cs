using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using M2M.Gateway.Ingress.Seams;
using M2M.Gateway.Ingress.Sessions;
using M2M.Gateway.Metrics;

namespace M2M.Gateway.Ingress.Pipeline;

/// <summary>
/// Stage 3, for <c>devices/{id}/auth</c> only: in-band renewal (docs/protocol.md section 7.2). The
/// payload is one JWT: an HS256 client assertion or an access token. When it validates for this
/// device, an access token is bound to the device's current registration as at CONNECT (an assertion
/// is, by its key), and its deadline is later, the session's deadline moves; the auth PUBLISH is never
/// relayed.
/// </summary>
public sealed partial class RenewSession(
    IAccessTokenValidator tokens,
    IClientAssertionValidator assertions,
    IDeviceDirectory directory,
    SessionRegistry sessions,
    TimeProvider time,
    GatewayMetrics metrics,
    ILogger<RenewSession> logger) : IPublishStage
{
    // Large enough for any access token of section 4 (or of an external issuer); bounds the parse.
    private const int MaxJwtBytes = 8 * 1024;

    private const string AccessToken = "access_token";

    public async ValueTask<PublishOutcome?> RunAsync(PublishContext context, CancellationToken cancellationToken)
    {
        var session = context.Session;
        if (!string.Equals(context.Topic, $"devices/{session.DeviceId}/auth", StringComparison.Ordinal))
        {
            return null;
        }

        var (kind, validation) = await ValidateAsync(context.Payload, session, cancellationToken).ConfigureAwait(false);
        metrics.TokenValidation(kind, validation.Reason);
        string detail;
        if (!validation.Succeeded)
        {
            detail = kind + "_" + validation.Reason;
        }
        else if (!string.Equals(validation.DeviceId, session.DeviceId, StringComparison.Ordinal))
        {
            detail = "sub_mismatch";
        }
        else if (kind == AccessToken && await BindAsync(validation, session.DeviceId, cancellationToken).ConfigureAwait(false) is { } refusal)
        {
            detail = refusal;
        }
        else if (!sessions.Extend(session, Deadline(kind, validation, session)))
        {
            detail = "deadline_not_later";
        }
        else
        {
            if (kind == AccessToken)
            {
                session.HeldToken(validation);
            }

            // The session now rests on this token too: revoking it ends the session (RFC 7009).
            session.AddToken(validation);

            LogRenewed(session.DeviceId, kind, session.Deadline);
            return PublishOutcome.Renewed;
        }

        LogRefused(session.DeviceId, detail);
        return PublishOutcome.RenewalRefused;
    }

    /// <summary>
    /// Section 7.2: an access token's <c>exp</c>; an assertion's, now + the access-token lifetime, which
    /// for a session of an external issuer is the lifetime of that issuer's token it holds (what the
    /// device counts with: it knows nothing of the gateway's own lifetime).
    /// </summary>
    private DateTimeOffset Deadline(string kind, CredentialValidation validation, DeviceSession session) =>
        kind != AccessToken && session.ExternalIssuer != null && session.TokenLifetime > TimeSpan.Zero
            ? time.GetUtcNow() + session.TokenLifetime
            : validation.ExpiresAt;

    private async Task<(string Kind, CredentialValidation Validation)> ValidateAsync(ReadOnlyMemory<byte> payload, DeviceSession session, CancellationToken cancellationToken)
    {
        if (payload.Length > MaxJwtBytes || !TryReadAlgorithm(payload.Span, out var jwt, out var algorithm))
        {
            return ("unknown", CredentialValidation.Invalid("malformed_jwt"));
        }

        // Section 3.2 assertions are HS256 under K_auth; access tokens (section 4, or an external
        // issuer's) are asymmetric. Each validator refuses every other algorithm itself.
        if (!string.Equals(algorithm, "HS256", StringComparison.Ordinal))
        {
            return (AccessToken, await tokens.ValidateAccessTokenAsync(jwt, cancellationToken).ConfigureAwait(false));
        }

        // A device whose tokens come from a trusted issuer names that issuer's token endpoint, the
        // one its credential holds (section 7.2); the assertion is still HS256 under K_auth.
        var renewalAudience = session.ExternalIssuer == null ? null : await tokens.RenewalAudienceAsync(session.ExternalIssuer, cancellationToken).ConfigureAwait(false);
        return ("client_assertion", await assertions.ValidateClientAssertionAsync(jwt, renewalAudience, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Null when the token is bound to the device's current registration (<see cref="BindCredential"/>); otherwise why not.</summary>
    private async Task<string?> BindAsync(CredentialValidation token, string deviceId, CancellationToken cancellationToken)
    {
        // Past the directory's cache: a renewal extends the session, and it is rare (once a token).
        var lookup = await directory.FindCurrentAsync(deviceId, cancellationToken).ConfigureAwait(false);
        return lookup.Device switch
        {
            null => lookup.Status == DeviceLookupStatus.Unavailable ? "directory_unavailable" : "device_unknown",
            { Enabled: false } => "device_disabled",
            var device => BindCredential.Check(token, device) is { } reason ? AccessToken + "_" + reason : null,
        };
    }

    private static bool TryReadAlgorithm(ReadOnlySpan<byte> payload, out string jwt, out string? algorithm)
    {
        jwt = string.Empty;
        algorithm = null;
        try
        {
            jwt = new UTF8Encoding(false, true).GetString(payload).Trim();
            var dot = jwt.IndexOf('.', StringComparison.Ordinal);
            if (dot <= 0)
            {
                return false;
            }

            using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(jwt.AsSpan(0, dot)));
            algorithm = header.RootElement.TryGetProperty("alg", out var alg) && alg.ValueKind == JsonValueKind.String ? alg.GetString() : null;
            return algorithm != null;
        }
        catch (Exception exception) when (exception is DecoderFallbackException or FormatException or JsonException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Session of {DeviceId} renewed in-band with a {Kind} until {Deadline:O}")]
    private partial void LogRenewed(string deviceId, string kind, DateTimeOffset deadline);

    [LoggerMessage(Level = LogLevel.Information, Message = "In-band renewal refused for {DeviceId}: {Detail}")]
    private partial void LogRefused(string deviceId, string detail);
}
