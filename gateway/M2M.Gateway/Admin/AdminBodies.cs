using System.Text.Json;

namespace M2M.Gateway.Admin;

/// <summary>
/// Request bodies of the admin API, read by the handlers rather than bound by the framework so that
/// every malformed body gets the same problem (400 <c>invalid_body</c>) instead of the framework's 415.
/// </summary>
internal static class AdminBodies
{
    /// <summary>The body as <typeparamref name="T"/>, or why it is not one (a sentence for the problem's detail).</summary>
    /// <param name="request">The request.</param>
    /// <param name="maxBytes">The largest body accepted.</param>
    /// <param name="shape">The expected object, as the detail names it (<c>{"id","tenant"}</c>).</param>
    public static async Task<(T? Body, string? Invalid)> ReadAsync<T>(HttpRequest request, long maxBytes, string shape)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            return (null, "The body must be JSON (Content-Type: application/json).");
        }

        if (request.ContentLength > maxBytes)
        {
            return (null, $"The body is larger than {maxBytes} bytes.");
        }

        try
        {
            var body = await request.ReadFromJsonAsync<T>(request.HttpContext.RequestAborted).ConfigureAwait(false);
            return body == null ? (null, "The body is empty.") : (body, null);
        }
        catch (JsonException)
        {
            return (null, $"The body is not a JSON object {shape}.");
        }
    }

    /// <summary>True when the request has no body (no length, no chunks).</summary>
    public static bool IsEmpty(HttpRequest request) => request.ContentLength is null or 0 && request.Headers.TransferEncoding.Count == 0;
}
