using M2M.Gateway.Hosting;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace M2M.Gateway.Tokens;

/// <summary>How a token request authenticates its client (or, for federation, its grant).</summary>
public enum TokenGrant
{
    /// <summary>A device: client credentials with a JWT client assertion under K_auth (docs/protocol.md section 3.1, RFC 7523 section 2.2).</summary>
    DeviceAssertion,

    /// <summary>A service client: client credentials with its client secret, Basic or in the body (RFC 6749 sections 2.3.1, 4.4).</summary>
    ClientSecret,

    /// <summary>A service client by a federation source's JWT as the grant (RFC 7523 section 2.1).</summary>
    JwtBearer,
}

/// <summary>A well-formed token request (docs/protocol.md section 3.1, docs/tokens.md "Service clients").</summary>
/// <param name="Grant">Which of the three it is.</param>
/// <param name="Assertion">The client assertion (device) or the grant's assertion (federation); empty for a client secret.</param>
/// <param name="ClientId">The <c>client_id</c> sent (required with a client secret), or null.</param>
/// <param name="Secret">The client secret (<see cref="TokenGrant.ClientSecret"/> only).</param>
public sealed record TokenRequest(TokenGrant Grant, string Assertion, string? ClientId, string? Secret = null);

/// <summary>
/// What <see cref="ValidateTokenRequest"/> found: the request, or the reason it is refused; and the
/// client assertions it could read (from the query string and a form body), which the endpoint spends
/// even when it refuses the request.
/// </summary>
public sealed record TokenRequestValidation(TokenRequest? Request, TokenReason? Reason, IReadOnlyList<string> SeenAssertions);

/// <summary>
/// The first stage of the token endpoint: the HTTP request itself (RFC 6749 sections 2.3.1, 3.2,
/// 4.4.2 and 5.2, RFC 7523 sections 2.1 and 2.2), and which grant and client authentication it uses.
/// The form is read by <see cref="ReadOAuthForm"/>.
/// </summary>
public sealed class ValidateTokenRequest(ReadOAuthForm readForm)
{
    /// <summary>RFC 6749 section 4.4.2; the gateway's copy of the device core's ProtocolV1 constants, held to them by the test vectors.</summary>
    public const string ClientCredentialsGrant = "client_credentials";

    /// <summary>RFC 7523 section 2.2.</summary>
    public const string JwtBearerAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    /// <summary>RFC 7523 section 2.1: a JWT as the authorization grant.</summary>
    public const string JwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    /// <summary>
    /// At most this many distinct assertions of one refused request are spent (the query string's
    /// first): a client that leaked its assertion sent it once or twice, and each spent one costs a
    /// registry read and an HMAC.
    /// </summary>
    public const int MaxSeenAssertions = 4;

    private const string AssertionParameter = "client_assertion";

    private static readonly System.Text.UTF8Encoding StrictUtf8 = new(false, true);

    /// <summary>The request's parameters, or the reason it is refused, with the assertions seen.</summary>
    public async Task<TokenRequestValidation> RunAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var seen = new List<string>();

        // RFC 6749 section 2.3.1: client credentials MUST NOT be in the request URI, where servers,
        // proxies and browsers log them. The server withheld the query string from the logs
        // (Hosting/WithheldQuery.cs); its assertions are read only to be spent.
        var query = request.HttpContext.Features.Get<IWithheldQueryFeature>()?.QueryString ?? request.QueryString.Value;
        if (!string.IsNullOrEmpty(query))
        {
            See(seen, QueryHelpers.ParseQuery(query));
        }

        var (form, reason) = await readForm.RunAsync(request, cancellationToken).ConfigureAwait(false);
        if (form != null)
        {
            See(seen, form);
        }

        if (!string.IsNullOrEmpty(query))
        {
            return new(null, TokenReason.ParametersInQuery, seen);
        }

        var (tokenRequest, refused) = form == null ? (null, reason) : ReadParameters(form, request);
        return new(tokenRequest, refused, seen);
    }

    private static (TokenRequest? Request, TokenReason? Reason) ReadParameters(Dictionary<string, StringValues> form, HttpRequest request)
    {
        // RFC 6749 section 3.2: parameters MUST NOT be included more than once.
        if (form.Values.Any(v => v.Count > 1))
        {
            return (null, TokenReason.RepeatedParameter);
        }

        var grantType = Value(form, "grant_type");
        if (grantType == null)
        {
            return (null, TokenReason.MissingParameter);
        }

        if (!string.Equals(grantType, ClientCredentialsGrant, StringComparison.Ordinal) && !string.Equals(grantType, JwtBearerGrant, StringComparison.Ordinal))
        {
            return (null, TokenReason.UnsupportedGrantType);
        }

        // The gateway defines no scopes (RFC 6749 section 3.3): a token's reach is its client's roles.
        if (Value(form, "scope") != null)
        {
            return (null, TokenReason.InvalidScope);
        }

        var authorization = request.Headers.Authorization.ToString();
        var secret = Value(form, "client_secret");
        var assertionType = Value(form, "client_assertion_type");
        var assertion = Value(form, AssertionParameter);
        var clientId = Value(form, "client_id");
        var methods = (authorization.Length > 0 ? 1 : 0) + (secret != null ? 1 : 0) + (assertionType != null || assertion != null ? 1 : 0);

        if (string.Equals(grantType, JwtBearerGrant, StringComparison.Ordinal))
        {
            // RFC 7523 section 3.1: client authentication is optional with this grant; the assertion
            // names the service client (its federation mapping), so no other credential is taken.
            if (methods > 0)
            {
                return (null, TokenReason.UnsupportedClientAuthentication);
            }

            return Value(form, "assertion") is { } grant ? (new TokenRequest(TokenGrant.JwtBearer, grant, clientId), null) : (null, TokenReason.MissingParameter);
        }

        // RFC 6749 section 2.3: one authentication method per request.
        if (methods > 1)
        {
            return (null, TokenReason.MultipleClientAuthentication);
        }

        if (authorization.Length > 0)
        {
            return ReadBasic(authorization, clientId);
        }

        if (secret != null)
        {
            // client_secret_post (RFC 6749 section 2.3.1): client_id and client_secret in the body.
            return clientId == null ? (null, TokenReason.MissingParameter) : (new TokenRequest(TokenGrant.ClientSecret, string.Empty, clientId, secret), null);
        }

        if (assertionType == null && assertion == null)
        {
            return (null, TokenReason.NoClientAuthentication);
        }

        if (assertionType != null && !string.Equals(assertionType, JwtBearerAssertionType, StringComparison.Ordinal))
        {
            return (null, TokenReason.UnsupportedAssertionType);
        }

        return assertionType == null || assertion == null
            ? (null, TokenReason.MissingParameter)
            : (new TokenRequest(TokenGrant.DeviceAssertion, assertion, clientId), null);
    }

    /// <summary>
    /// client_secret_basic (RFC 6749 section 2.3.1, RFC 7617): <c>Basic base64(urlencode(id) ":"
    /// urlencode(secret))</c>. Another scheme is not a client authentication of this endpoint; a
    /// <c>client_id</c> in the body as well must name the same client.
    /// </summary>
    private static (TokenRequest? Request, TokenReason? Reason) ReadBasic(string authorization, string? bodyClientId)
    {
        const string Scheme = "Basic ";
        if (!authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return (null, TokenReason.UnsupportedClientAuthentication);
        }

        string decoded;
        try
        {
            decoded = StrictUtf8.GetString(Convert.FromBase64String(authorization[Scheme.Length..].Trim()));
        }
        catch (Exception exception) when (exception is FormatException or System.Text.DecoderFallbackException)
        {
            return (null, TokenReason.MalformedAuthorization);
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == decoded.Length - 1)
        {
            return (null, TokenReason.MalformedAuthorization);
        }

        var clientId = Uri.UnescapeDataString(decoded[..colon].Replace('+', ' '));
        var secret = Uri.UnescapeDataString(decoded[(colon + 1)..].Replace('+', ' '));
        if (bodyClientId != null && !string.Equals(bodyClientId, clientId, StringComparison.Ordinal))
        {
            return (null, TokenReason.ClientIdMismatch);
        }

        return (new TokenRequest(TokenGrant.ClientSecret, string.Empty, clientId, secret), null);
    }

    /// <summary>Adds the distinct non-empty <c>client_assertion</c> values of <paramref name="parameters"/>, up to <see cref="MaxSeenAssertions"/>.</summary>
    private static void See(List<string> seen, Dictionary<string, StringValues> parameters)
    {
        if (!parameters.TryGetValue(AssertionParameter, out var values))
        {
            return;
        }

        foreach (var value in values)
        {
            if (seen.Count < MaxSeenAssertions && !string.IsNullOrEmpty(value) && !seen.Contains(value))
            {
                seen.Add(value);
            }
        }
    }

    private static string? Value(Dictionary<string, StringValues> form, string name) => ReadOAuthForm.Value(form, name);
}
