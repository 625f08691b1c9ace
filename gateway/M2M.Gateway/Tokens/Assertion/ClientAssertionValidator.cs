using M2M.Gateway.Ingress.Seams;
using Microsoft.Extensions.Options;

namespace M2M.Gateway.Tokens.Assertion;

/// <summary>
/// The one validation of a client assertion (docs/protocol.md section 3.2): the token endpoint runs
/// it, and in-band renewal (section 7.2) reaches it as <see cref="IClientAssertionValidator"/>. The
/// stages, in order, are listed once here.
/// </summary>
public sealed class ClientAssertionValidator(
    ReadAssertion readAssertion,
    FindDevice findDevice,
    VerifyAssertion verifyAssertion,
    CheckAssertionClaims checkClaims,
    ConsumeJti consumeJti,
    PromotePendingSecret promotePendingSecret,
    TimeProvider time,
    IOptions<TokenOptions> options) : IClientAssertionValidator
{
    private readonly IAssertionStage[] _stages = [readAssertion, findDevice, verifyAssertion, consumeJti, checkClaims, promotePendingSecret];

    /// <summary>Runs every stage until one refuses; null when the assertion is valid (then <see cref="AssertionContext.Keys"/> is set).</summary>
    public ValueTask<TokenReason?> RunAsync(AssertionContext context, CancellationToken cancellationToken) =>
        RunAsync(context, _stages.Length, cancellationToken);

    /// <summary>
    /// Spends an assertion that came with a request refused before the assertion was checked (a
    /// query string, a wrong grant type, a rate limit...): the stages up to <see cref="ConsumeJti"/>,
    /// so its <c>jti</c> is used up when its signature verifies, and nothing happens otherwise.
    /// Returns the device whose K_auth signed it, or null.
    /// </summary>
    public async ValueTask<string?> SpendAsync(string assertion, CancellationToken cancellationToken)
    {
        var context = new AssertionContext(assertion, null, time.GetUtcNow());
        await RunAsync(context, Array.IndexOf(_stages, consumeJti) + 1, cancellationToken).ConfigureAwait(false);
        return context.SignatureVerified ? context.DeviceId : null;
    }

    private async ValueTask<TokenReason?> RunAsync(AssertionContext context, int stages, CancellationToken cancellationToken)
    {
        for (var i = 0; i < stages; i++)
        {
            var reason = await _stages[i].RunAsync(context, cancellationToken).ConfigureAwait(false);
            if (reason != null)
            {
                return reason;
            }
        }

        return null;
    }

    public async ValueTask<CredentialValidation> ValidateClientAssertionAsync(string assertion, string? renewalAudience, CancellationToken cancellationToken)
    {
        var context = new AssertionContext(assertion, null, time.GetUtcNow()) { RenewalAudience = renewalAudience };
        var reason = await RunAsync(context, cancellationToken).ConfigureAwait(false);
        if (reason == null)
        {
            // The deadline a token issued now would get (section 7.2), the token lifetime set in one place.
            return CredentialValidation.Valid(context.Keys!.Device.DeviceId, null, null, context.Now + options.Value.AccessTokenLifetime);
        }

        return reason.Unavailable ? CredentialValidation.Unavailable(reason.Label) : CredentialValidation.Invalid(reason.Label);
    }
}
