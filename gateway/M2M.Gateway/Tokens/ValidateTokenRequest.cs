using M2M.Gateway.Hosting;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace M2M.Gateway.Tokens;

/// <summary>The parameters of a well-formed token request (docs/protocol.md section 3.1).</summary>
public sealed record TokenRequest(string Assertion, string? ClientId);

/// <summary>
/// What <see cref="ValidateTokenRequest"/> found: the request, or the reason it is refused; and the
/// client assertions it could read (from the query string and a form body), which the endpoint spends
/// even when it refuses the request.
/// </summary>
public sealed record TokenRequestValidation(TokenRequest? Request, TokenReason? Reason, IReadOnlyList<string> SeenAssertions);

/// <summary>
/// The first stage of the token endpoint: the HTTP request itself (RFC 6749 sections 2.3.1, 3.2,
/// 4.4.2 and 5.2, RFC 7523 section 2.2). The form is read by <see cref="ReadOAuthForm"/>.
/// </summary>
public sealed class ValidateTokenRequest(ReadOAuthForm readForm)
{
    /// <summary>RFC 6749 section 4.4.2; the gateway's copy of the device core's ProtocolV1 constants, held to them by the test vectors.</summary>
    public const string ClientCredentialsGrant = "client_credentials";

    /// <summary>RFC 7523 section 2.2.</summary>
    public const string JwtBearerAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    /// <summary>
    /// At most this many distinct assertions of one refused request are spent (the query string's
    /// first): a client that leaked its assertion sent it once or twice, and each spent one costs a
    /// registry read and an HMAC.
    /// </summary>
    public const int MaxSeenAssertions = 4;

    private const string AssertionParameter = "client_assertion";

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

        // RFC 6749 section 2.3: one authentication method per request; this endpoint takes client
        // assertions only (client_secret_basic is for external identity providers, section 3.5).
        if (request.Headers.Authorization.Count > 0)
        {
            return (null, TokenReason.UnsupportedClientAuthentication);
        }

        var grantType = Value(form, "grant_type");
        var assertionType = Value(form, "client_assertion_type");
        var assertion = Value(form, AssertionParameter);
        if (grantType == null)
        {
            return (null, TokenReason.MissingParameter);
        }

        if (!string.Equals(grantType, ClientCredentialsGrant, StringComparison.Ordinal))
        {
            return (null, TokenReason.UnsupportedGrantType);
        }

        if (Value(form, "scope") != null)
        {
            return (null, TokenReason.InvalidScope);
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
            : (new TokenRequest(assertion, Value(form, "client_id")), null);
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
