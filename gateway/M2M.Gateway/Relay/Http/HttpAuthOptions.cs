namespace M2M.Gateway.Relay.Http;

/// <summary>
/// How an HTTP sink authenticates (section <c>Gateway:Relay:{Sink}:Auth</c>; docs/sinks.md, "HTTP
/// authentication"). Secrets are never in configuration: <see cref="Credential"/> names a value
/// stored encrypted in <see cref="SinkCredentialStore"/>.
/// </summary>
public sealed class HttpAuthOptions
{
    /// <summary><c>none</c> (default), <c>bearer</c>, <c>basic</c> or <c>oauth2</c> (client credentials grant).</summary>
    public string Scheme { get; set; } = HttpAuthSchemes.None;

    /// <summary>
    /// The stored credential: the bearer token (<c>bearer</c>), the password (<c>basic</c>), the client
    /// secret (<c>oauth2</c> with <c>client_secret_basic</c> or <c>client_secret_post</c>) or the PEM
    /// private key, RSA or EC P-256 (<c>oauth2</c> with <c>private_key_jwt</c>).
    /// </summary>
    public string? Credential { get; set; }

    /// <summary>The user name of <c>basic</c>.</summary>
    public string? Username { get; set; }

    /// <summary>The authorization server's token endpoint (<c>oauth2</c>).</summary>
    public Uri? TokenEndpoint { get; set; }

    /// <summary>The client's id at the authorization server (<c>oauth2</c>).</summary>
    public string? ClientId { get; set; }

    /// <summary>
    /// <c>client_secret_basic</c> (default; RFC 6749 section 2.3.1), <c>client_secret_post</c> or
    /// <c>private_key_jwt</c> (RFC 7523 section 2.2, OpenID Connect Core section 9).
    /// </summary>
    public string ClientAuthentication { get; set; } = HttpAuthSchemes.ClientSecretBasic;

    /// <summary>The <c>scope</c> parameter of the token request, if the authorization server wants one.</summary>
    public string? Scope { get; set; }

    /// <summary>
    /// Extra token request parameters some authorization servers need to pick the API (Auth0's
    /// <c>audience</c>, RFC 8707's <c>resource</c>), e.g. <c>{"audience": "https://loki.example"}</c>.
    /// </summary>
    public Dictionary<string, string> Parameters { get; set; } = [];

    /// <summary>The <c>aud</c> of a <c>private_key_jwt</c> assertion; the token endpoint's URL by default (RFC 7523 section 3, point 3).</summary>
    public string? AssertionAudience { get; set; }

    /// <summary>The <c>kid</c> header of a <c>private_key_jwt</c> assertion, if the authorization server needs it to pick the key.</summary>
    public string? KeyId { get; set; }

    /// <summary>A token is renewed this long before it expires, so no request leaves with a token about to expire.</summary>
    public TimeSpan RefreshBefore { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Timeout of one token request.</summary>
    public TimeSpan TokenTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>What is wrong with these settings, each naming its key under <c>Auth</c>; never a secret's value.</summary>
    public IEnumerable<string> Problems()
    {
        var scheme = Scheme.ToLowerInvariant();
        if (scheme == HttpAuthSchemes.None)
        {
            yield break;
        }

        if (scheme is not (HttpAuthSchemes.Bearer or HttpAuthSchemes.Basic or HttpAuthSchemes.OAuth2))
        {
            yield return $"Scheme '{Scheme}' is not one of none, bearer, basic, oauth2";
            yield break;
        }

        if (string.IsNullOrWhiteSpace(Credential))
        {
            yield return $"Credential is required with Auth:Scheme {scheme}";
        }
        else if (!SinkCredentialStore.IsValidName(Credential))
        {
            yield return "Credential must be a credential name (1 to 64 of a-z A-Z 0-9 . _ -), set with m2m sink credential set; never the secret itself";
        }

        if (scheme == HttpAuthSchemes.Basic && string.IsNullOrWhiteSpace(Username))
        {
            yield return "Username is required with Auth:Scheme basic";
        }

        if (scheme != HttpAuthSchemes.OAuth2)
        {
            yield break;
        }

        if (string.IsNullOrWhiteSpace(ClientId))
        {
            yield return "ClientId is required with Auth:Scheme oauth2";
        }

        if (TokenEndpoint == null)
        {
            yield return "TokenEndpoint is required with Auth:Scheme oauth2";
        }
        else if (!TokenEndpoint.IsAbsoluteUri || (TokenEndpoint.Scheme != Uri.UriSchemeHttps && !TokenEndpoint.IsLoopback))
        {
            // RFC 6749 section 3.2: the token endpoint is reached over TLS; it receives the client's secret.
            yield return "TokenEndpoint must be an https URL (RFC 6749 section 3.2)";
        }

        if (ClientAuthentication is not (HttpAuthSchemes.ClientSecretBasic or HttpAuthSchemes.ClientSecretPost or HttpAuthSchemes.PrivateKeyJwt))
        {
            yield return "ClientAuthentication must be client_secret_basic, client_secret_post or private_key_jwt";
        }

        if (TokenTimeout <= TimeSpan.Zero)
        {
            yield return "TokenTimeout must be positive";
        }
    }
}

/// <summary>The values of <see cref="HttpAuthOptions.Scheme"/> and <see cref="HttpAuthOptions.ClientAuthentication"/>.</summary>
public static class HttpAuthSchemes
{
    public const string None = "none";
    public const string Bearer = "bearer";
    public const string Basic = "basic";
    public const string OAuth2 = "oauth2";
    public const string ClientSecretBasic = "client_secret_basic";
    public const string ClientSecretPost = "client_secret_post";
    public const string PrivateKeyJwt = "private_key_jwt";
}
