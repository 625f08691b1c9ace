using Microsoft.AspNetCore.Http;

namespace M2M.Fuzz.Gateway;

/// <summary>An HTTP request as Kestrel hands it to an endpoint: a content type and a body, with or without its Content-Length (a chunked body has none).</summary>
internal static class HttpRequests
{
    public static HttpRequest Of(string? contentType, byte[] body, bool chunked)
    {
        var context = new DefaultHttpContext();
        var request = context.Request;
        request.Method = "POST";
        request.ContentType = contentType;
        request.Body = new MemoryStream(body, writable: false);
        if (chunked)
        {
            request.Headers.TransferEncoding = "chunked";
        }
        else
        {
            request.ContentLength = body.Length;
        }

        return request;
    }
}
