using System.Net;
using M2M.Gateway.Metrics;

namespace M2M.Gateway.Relay.Http;

/// <summary>
/// The one place where every HTTP sink (webhook, Prometheus, Loki) authenticates: it sets the
/// <c>Authorization</c> header from the sink's <see cref="ISinkAuthenticator"/> and answers a 401 by
/// one renewal and one resend when the credential can be renewed (an OAuth token revoked or expired
/// early: RFC 6750 section 3.1, <c>invalid_token</c>). A 401 or 403 that remains is counted in
/// <c>m2m_relay_auth_failures_total</c> and fails the sink as a whole (<see cref="HttpSinkRequest"/>):
/// nothing is dead-lettered or lost while an operator fixes the credential.
/// </summary>
public sealed class SinkAuthenticationHandler(string sink, ISinkAuthenticator authenticator, GatewayMetrics metrics) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Headers.Authorization = await AuthorizeAsync(renew: false, cancellationToken).ConfigureAwait(false);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Unauthorized && authenticator.CanRenew)
        {
            // The content is a buffered body (ByteArrayContent, ReadOnlyMemoryContent), so it can be sent again.
            response.Dispose();
            request.Headers.Authorization = await AuthorizeAsync(renew: true, cancellationToken).ConfigureAwait(false);
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            metrics.AuthenticationFailed(sink, $"refused_{(int)response.StatusCode}");
        }

        return response;
    }

    private async ValueTask<System.Net.Http.Headers.AuthenticationHeaderValue?> AuthorizeAsync(bool renew, CancellationToken cancellationToken)
    {
        try
        {
            return await authenticator.AuthorizeAsync(renew, cancellationToken).ConfigureAwait(false);
        }
        catch (SinkAuthenticationException exception)
        {
            metrics.AuthenticationFailed(sink, exception.Reason);
            // No request can leave without a credential: the sink fails as a whole (nothing is
            // dead-lettered) and is recovered with backoff until the credential is fixed.
            throw new SinkFailureException($"auth {exception.Reason}", exception);
        }
    }
}

/// <summary>A sink's credential could not be obtained; <see cref="Reason"/> is a stable label, never a secret.</summary>
public sealed class SinkAuthenticationException : Exception
{
    public SinkAuthenticationException()
    {
        Reason = "unknown";
    }

    public SinkAuthenticationException(string reason)
        : base(reason)
    {
        Reason = reason;
    }

    public SinkAuthenticationException(string reason, Exception innerException)
        : base(reason, innerException)
    {
        Reason = reason;
    }

    /// <summary>credential_missing, credential_unreadable, key_invalid, token_endpoint_unreachable, token_endpoint_http_503, an OAuth error code...</summary>
    public string Reason { get; }
}
