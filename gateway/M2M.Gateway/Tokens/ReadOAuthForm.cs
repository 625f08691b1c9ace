using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace M2M.Gateway.Tokens;

/// <summary>
/// The body of a request to the token, revocation or introspection endpoint (RFC 6749 section 3.2,
/// RFC 7009 section 2.1, RFC 7662 section 2.1): <c>application/x-www-form-urlencoded</c> in UTF-8,
/// at most <see cref="TokenOptions.MaxRequestBytes"/> (also when chunked), parsed by ASP.NET Core's
/// <see cref="FormReader"/> after it was checked to be UTF-8.
/// </summary>
public sealed class ReadOAuthForm(IOptions<TokenOptions> options)
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);
    private readonly int _maxBytes = options.Value.MaxRequestBytes;

    /// <summary>The form, or the reason the body is not one these endpoints read.</summary>
    public async Task<(Dictionary<string, StringValues>? Form, TokenReason? Reason)> RunAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
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

        try
        {
            return (new FormReader(StrictUtf8.GetString(body)).ReadForm(), null);
        }
        catch (Exception exception) when (exception is DecoderFallbackException or InvalidDataException)
        {
            return (null, TokenReason.MalformedBody);
        }
    }

    /// <summary>A parameter's value; an empty value counts as absent (RFC 6749 section 3.1).</summary>
    public static string? Value(Dictionary<string, StringValues> form, string name)
    {
        ArgumentNullException.ThrowIfNull(form);
        return form.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value[0]) ? value[0] : null;
    }

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
