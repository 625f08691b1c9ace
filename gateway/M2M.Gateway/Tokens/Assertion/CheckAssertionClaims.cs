using Microsoft.Extensions.Options;

namespace M2M.Gateway.Tokens.Assertion;

/// <summary>
/// Stage 5, last: the claims of a verified (and already spent) assertion (docs/protocol.md section
/// 3.2 rules 2 to 4, RFC 7523 section 3): <c>iss == sub</c> (and <c>== client_id</c> when sent),
/// <c>aud</c> names the token endpoint or the issuer (<see cref="GatewayIssuer.AssertionAudiences"/>;
/// at in-band renewal also <see cref="AssertionContext.RenewalAudience"/>),
/// and the times hold with the configured skew.
/// </summary>
public sealed class CheckAssertionClaims(GatewayIssuer issuer, IOptions<TokenOptions> options) : IAssertionStage
{
    private readonly long _skew = (long)options.Value.ClockSkew.TotalSeconds;

    public ValueTask<TokenReason?> RunAsync(AssertionContext context, CancellationToken cancellationToken) => ValueTask.FromResult(Check(context));

    private TokenReason? Check(AssertionContext context)
    {
        var claims = context.Claims!;
        if (!string.Equals(claims.Issuer, claims.Subject, StringComparison.Ordinal))
        {
            return TokenReason.IssuerMismatch;
        }

        if (context.ClientId != null && !string.Equals(context.ClientId, claims.Subject, StringComparison.Ordinal))
        {
            return TokenReason.ClientIdMismatch;
        }

        if (!claims.Audiences.Any(a => issuer.AssertionAudiences.Contains(a) || string.Equals(a, context.RenewalAudience, StringComparison.Ordinal)))
        {
            return TokenReason.WrongAudience;
        }

        var now = context.Now.ToUnixTimeSeconds();
        if (!claims.HasAcceptableLifetime)
        {
            return TokenReason.BadLifetime;
        }

        if (claims.ExpiresAt <= now - _skew)
        {
            return TokenReason.Expired;
        }

        if (claims.IssuedAt > now + _skew || claims.NotBefore > now + _skew)
        {
            return TokenReason.NotYetValid;
        }

        return null;
    }
}
