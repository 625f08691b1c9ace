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
    /// <summary>
    /// The client for sink <paramref name="sink"/>; <see cref="InvalidOperationException"/> with a
    /// message for the operator when <paramref name="auth"/> is incomplete.
    /// </summary>
    public HttpClient Create(string sink, HttpAuthOptions auth, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(auth);
        HttpMessageHandler handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        var authenticator = Authenticator(sink, auth);
        if (authenticator != null)
        {
            handler = new SinkAuthenticationHandler(sink, authenticator, metrics) { InnerHandler = handler };
        }

        return new HttpClient(handler) { Timeout = timeout };
    }

    private ISinkAuthenticator? Authenticator(string sink, HttpAuthOptions auth)
    {
        var scheme = auth.Scheme.ToLowerInvariant();
        if (scheme == HttpAuthSchemes.None)
        {
            return null;
        }

        string Require(string? value, string key) =>
            string.IsNullOrWhiteSpace(value) ? throw Invalid(sink, $"Auth:{key} is required with Auth:Scheme {scheme}") : value;

        if (!SinkCredentialStore.IsValidName(Require(auth.Credential, "Credential")))
        {
            throw Invalid(sink, "Auth:Credential must be a credential name (1 to 64 of a-z A-Z 0-9 . _ -), set with m2m sink credential set; never the secret itself");
        }

        switch (scheme)
        {
            case HttpAuthSchemes.Bearer:
                return new StaticAuthenticator(credentials, auth.Credential!, null);
            case HttpAuthSchemes.Basic:
                return new StaticAuthenticator(credentials, auth.Credential!, Require(auth.Username, "Username"));
            case HttpAuthSchemes.OAuth2:
                Require(auth.ClientId, "ClientId");
                var endpoint = auth.TokenEndpoint ?? throw Invalid(sink, "Auth:TokenEndpoint is required with Auth:Scheme oauth2");
                if (endpoint.Scheme != Uri.UriSchemeHttps && !endpoint.IsLoopback)
                {
                    // RFC 6749 section 3.2: the token endpoint is reached over TLS; it receives the client's secret.
                    throw Invalid(sink, "Auth:TokenEndpoint must be an https URL (RFC 6749 section 3.2)");
                }

                if (auth.ClientAuthentication is not (HttpAuthSchemes.ClientSecretBasic or HttpAuthSchemes.ClientSecretPost or HttpAuthSchemes.PrivateKeyJwt))
                {
                    throw Invalid(sink, "Auth:ClientAuthentication must be client_secret_basic, client_secret_post or private_key_jwt");
                }

                var tokenClient = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = auth.TokenTimeout };
                return new OAuthClientCredentials(auth, credentials, tokenClient, time);
            default:
                throw Invalid(sink, $"Auth:Scheme '{auth.Scheme}' is not one of none, bearer, basic, oauth2");
        }
    }

    private static InvalidOperationException Invalid(string sink, string problem) => new($"Sink {sink}: {problem} (docs/sinks.md, \"HTTP authentication\").");
}
