using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace M2M.Gateway.Tokens;

/// <summary>The parameters of a well-formed token request (docs/protocol.md section 3.1).</summary>
public sealed record TokenRequest(string Assertion, string? ClientId);

/// <summary>
/// The first stage of the token endpoint: the HTTP request itself (RFC 6749 sections 3.2, 4.4.2
/// and 5.2, RFC 7523 section 2.2). The form is parsed by ASP.NET Core's <see cref="FormReader"/>
/// after the body was read with its size bound and checked to be UTF-8.
/// </summary>
public sealed class ValidateTokenRequest(IOptions<TokenOptions> options)
{
    /// <summary>RFC 6749 section 4.4.2; the gateway's copy of the device core's ProtocolV1 constants, held to them by the test vectors.</summary>
    public const string ClientCredentialsGrant = "client_credentials";

    /// <summary>RFC 7523 section 2.2.</summary>
    public const string JwtBearerAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    private static readonly UTF8Encoding StrictUtf8 = new(false, true);
    private readonly int _maxBytes = options.Value.MaxRequestBytes;

    /// <summary>The request's parameters, or the reason it is refused.</summary>
    public async Task<(TokenRequest? Request, TokenReason? Reason)> RunAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
            || (mediaType.Charset.HasValue && !mediaType.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)))
        {
            return (null, TokenReason.WrongContentType);
        }

        if (request.ContentLength > _maxBytes)
        {
            return (null, TokenReason.BodyTooLarge);
        }

        var body = await ReadBodyAsync(request.Body, cancellationToken).ConfigureAwait(false);
        if (body == null)
        {
            return (null, TokenReason.BodyTooLarge);
        }

        Dictionary<string, StringValues> form;
        try
        {
            form = new FormReader(StrictUtf8.GetString(body)).ReadForm();
        }
        catch (Exception exception) when (exception is DecoderFallbackException or InvalidDataException)
        {
            return (null, TokenReason.MalformedBody);
        }

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
        var assertion = Value(form, "client_assertion");
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

    /// <summary>A parameter's value; an empty value counts as absent (RFC 6749 section 3.1).</summary>
    private static string? Value(Dictionary<string, StringValues> form, string name) =>
        form.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value[0]) ? value[0] : null;

    /// <summary>The body, or null when it is longer than the limit (a chunked body has no Content-Length).</summary>
    private async Task<byte[]?> ReadBodyAsync(Stream body, CancellationToken cancellationToken)
    {
        var buffer = new byte[_maxBytes + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false)) > 0)
        {
            length += read;
        }

        return length > _maxBytes ? null : buffer[..length];
    }
}
