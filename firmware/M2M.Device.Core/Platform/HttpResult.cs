namespace M2M.Device.Core.Platform
{
    /// <summary>
    /// What came back from one HTTP request: the status, the body text and the two headers the token
    /// client reads (<c>Date</c>, RFC 9110 section 6.6.1; <c>Retry-After</c>, section 10.2.3); or, with
    /// status 0, that no response arrived (DNS, connect, TLS, timeout).
    /// </summary>
    public sealed class HttpResult
    {
        public HttpResult(int statusCode, string body, string? date, string? retryAfter)
        {
            StatusCode = statusCode;
            Body = body ?? string.Empty;
            Date = date;
            RetryAfter = retryAfter;
        }

        /// <summary>The HTTP status, or 0 when no response arrived.</summary>
        public int StatusCode { get; private set; }

        /// <summary>The response body (empty when none).</summary>
        public string Body { get; private set; }

        /// <summary>The raw <c>Date</c> header, or null.</summary>
        public string? Date { get; private set; }

        /// <summary>The raw <c>Retry-After</c> header, or null.</summary>
        public string? RetryAfter { get; private set; }

        /// <summary>For status 0: a short description of what failed (never a secret).</summary>
        public string? Failure { get; private set; }

        /// <summary>No response: <paramref name="failure"/> says why.</summary>
        public static HttpResult NoResponse(string failure)
        {
            var result = new HttpResult(0, string.Empty, null, null);
            result.Failure = failure;
            return result;
        }
    }
}
