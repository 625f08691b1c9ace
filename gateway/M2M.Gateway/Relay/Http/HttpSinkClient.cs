using M2M.Gateway.Metrics;

namespace M2M.Gateway.Relay.Http;

/// <summary>
/// Builds the <see cref="HttpClient"/> of an HTTP sink: connection pooling with a bounded
/// connection lifetime (DNS changes are seen), the sink's timeout, and
/// <see cref="SinkAuthenticationHandler"/> with the authenticator its <see cref="HttpAuthOptions"/>
/// describe. Every HTTP sink is built here, so all authenticate the same way.
/// </summary>
public sealed class HttpSinkClient(SinkCredentialStore credentials, TimeProvider time, GatewayMetrics metrics)
{
    /// <summary>The client for sink <paramref name="sink"/>, whose <paramref name="auth"/> passed <see cref="HttpAuthOptions.Problems"/>.</summary>
    public HttpClient Create(string sink, HttpAuthOptions auth, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(auth);
        HttpMessageHandler handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        var authenticator = Authenticator(auth);
        if (authenticator != null)
        {
            handler = new SinkAuthenticationHandler(sink, authenticator, metrics) { InnerHandler = handler };
        }

        return new HttpClient(handler) { Timeout = timeout };
    }

    private ISinkAuthenticator? Authenticator(HttpAuthOptions auth)
    {
        switch (auth.Scheme.ToLowerInvariant())
        {
            case HttpAuthSchemes.Bearer:
                return new StaticAuthenticator(credentials, auth.Credential!, null);
            case HttpAuthSchemes.Basic:
                return new StaticAuthenticator(credentials, auth.Credential!, auth.Username);
            case HttpAuthSchemes.OAuth2:
                var tokenClient = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = auth.TokenTimeout };
                return new OAuthClientCredentials(auth, credentials, tokenClient, time);
            default:
                return null;
        }
    }
}
