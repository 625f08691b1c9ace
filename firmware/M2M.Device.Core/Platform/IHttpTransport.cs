namespace M2M.Device.Core.Platform
{
    /// <summary>
    /// One synchronous HTTP POST of an <c>application/x-www-form-urlencoded</c> body, as the token
    /// request needs (RFC 6749 section 4.4.2). Implementations set a timeout, trust the provisioned CA
    /// for HTTPS, and report a failed exchange as <see cref="HttpResult.NoResponse"/> rather than throwing.
    /// </summary>
    public interface IHttpTransport
    {
        /// <summary>POSTs <paramref name="formBody"/> to <paramref name="url"/> with an optional Authorization header value.</summary>
        HttpResult PostForm(string url, string formBody, string? authorization);
    }
}
