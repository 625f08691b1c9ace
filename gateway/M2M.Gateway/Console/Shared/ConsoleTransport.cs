using System.Net;

namespace M2M.Gateway.OperatorConsole;

/// <summary>
/// Every console response: served over HTTPS, or plain HTTP to a loopback client only (a browser on
/// the gateway's own machine, where nothing travels on a network); anything else is refused with a
/// pointer to HTTPS rather than sending a session cookie or an admin key in clear. The headers keep
/// the pages out of frames and caches and limit scripts to the console's own (CSP, W3C CSP Level 3).
/// </summary>
internal sealed class ConsoleTransport(RequestDelegate next, SignIn.ConsoleOidcOptions oidc)
{
    // form-action also governs where a form's answer redirects (CSP Level 3 section 6.4.1): the
    // OpenID Connect sign-in form is answered with a redirect to the provider, whose origin is allowed.
    private readonly string _contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + $"form-action 'self'{(oidc.Enabled ? " " + new Uri(oidc.Authority!).GetLeftPart(UriPartial.Authority) : string.Empty)}; frame-ancestors 'none'; base-uri 'none'";

    public Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.IsHttps && !IsLoopback(context.Connection.RemoteIpAddress))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            context.Response.ContentType = "text/plain; charset=utf-8";
            return context.Response.WriteAsync("The console is served over HTTPS only: open it on one of the gateway's https:// addresses.");
        }

        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = _contentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";
        return next(context);
    }

    private static bool IsLoopback(IPAddress? address) => address != null && IPAddress.IsLoopback(address);
}
