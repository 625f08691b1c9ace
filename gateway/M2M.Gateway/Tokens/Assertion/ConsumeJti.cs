using Microsoft.Extensions.Options;

namespace M2M.Gateway.Tokens.Assertion;

/// <summary>
/// Stage 5, last: makes the assertion single-use (section 3.2 rule 5). Last, so that only an
/// assertion that passed every other check uses up its <c>jti</c>; a forged one cannot burn ids.
/// </summary>
public sealed partial class ConsumeJti(JtiStore store, IOptions<TokenOptions> options, ILogger<ConsumeJti> logger) : IAssertionStage
{
    private readonly TimeSpan _skew = options.Value.ClockSkew;

    public async ValueTask<TokenReason?> RunAsync(AssertionContext context, CancellationToken cancellationToken)
    {
        var claims = context.Claims!;
        var rememberUntil = DateTimeOffset.FromUnixTimeSeconds(claims.ExpiresAt) + _skew;
        try
        {
            return await store.TryConsumeAsync(claims.Subject, claims.JwtId, context.Now, rememberUntil, cancellationToken).ConfigureAwait(false)
                ? null
                : TokenReason.JtiReused;
        }
        catch (Exception exception) when (exception is Microsoft.Data.Sqlite.SqliteException or IOException)
        {
            LogStoreFailed(exception);
            return TokenReason.JtiStoreUnavailable;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The jti store failed")]
    private partial void LogStoreFailed(Exception exception);
}
