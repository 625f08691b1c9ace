using System.Net.Http.Headers;

namespace M2M.Gateway.Relay.Http;

/// <summary>
/// Gives an HTTP sink's requests their <c>Authorization</c> header (<see cref="SinkAuthenticationHandler"/>).
/// A failure to obtain one fails the sink (<see cref="SinkFailureException"/> named <c>auth {reason}</c>)
/// (the reason is also the label of <c>m2m_relay_auth_failures_total</c>), never carrying a secret.
/// </summary>
public interface ISinkAuthenticator
{
    /// <summary>The header for the next request; <paramref name="renew"/> after a 401 asks for a fresh credential.</summary>
    ValueTask<AuthenticationHeaderValue?> AuthorizeAsync(bool renew, CancellationToken cancellationToken);

    /// <summary>True when <see cref="AuthorizeAsync"/> with renew can give another credential than before (OAuth).</summary>
    bool CanRenew { get; }
}
