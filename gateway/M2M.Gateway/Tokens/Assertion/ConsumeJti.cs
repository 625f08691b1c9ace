using Microsoft.Extensions.Options;

namespace M2M.Gateway.Tokens.Assertion;

/// <summary>
/// Stage 4: makes the assertion single-use (section 3.2 rule 5). Right after
/// <see cref="VerifyAssertion"/>, before the claims are judged: every assertion the device's K_auth
/// signed is spent the moment the gateway sees it, accepted or not, so one that leaked (into a log,
/// a proxy, a refused request) can never be used; a forged one stops at the signature and spends
/// nothing. An assertion that can never be accepted (expired beyond the skew, or a lifetime over 300
/// seconds) is not remembered: <see cref="CheckAssertionClaims"/> refuses it.
/// </summary>
public sealed partial class ConsumeJti(IJtiStore store, IOptions<TokenOptions> options, ILogger<ConsumeJti> logger) : IAssertionStage
{
    private readonly TimeSpan _skew = options.Value.ClockSkew;

    public async ValueTask<TokenReason?> RunAsync(AssertionContext context, CancellationToken cancellationToken)
    {
        var claims = context.Claims!;
        var rememberUntil = DateTimeOffset.FromUnixTimeSeconds(claims.ExpiresAt) + _skew;
        if (rememberUntil <= context.Now || !claims.HasAcceptableLifetime)
        {
            return null;
        }

        try
        {
            return await store.TryConsumeAsync(claims.Subject, claims.JwtId, context.Now, rememberUntil, cancellationToken).ConfigureAwait(false)
                ? null
                : TokenReason.JtiReused;
        }
        catch (Exception exception) when (exception is System.Data.Common.DbException or IOException)
        {
            LogStoreFailed(exception);
            return TokenReason.JtiStoreUnavailable;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The jti store failed")]
    private partial void LogStoreFailed(Exception exception);
}
