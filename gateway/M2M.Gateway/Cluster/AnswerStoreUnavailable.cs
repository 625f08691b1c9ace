using Microsoft.AspNetCore.Diagnostics;
using M2M.Gateway.Relay;
using Npgsql;

namespace M2M.Gateway.Cluster;

/// <summary>
/// In Cluster mode, an HTTP request that fails because the shared PostgreSQL database cannot be
/// reached (a transient <see cref="NpgsqlException"/>: refused, reset, timed out, the server
/// shutting down) is answered 503 Service Unavailable with Retry-After and the problem code
/// <c>store_unavailable</c> (docs/admin-api.md, "Errors"), not the generic 500 of a defect: the
/// condition is temporary and the client should send the request again later (RFC 9110 section
/// 15.6.4). Parts that answer an outage in their own protocol (the token endpoint's OAuth error
/// <c>temporarily_unavailable</c>) do so before an exception reaches here.
/// </summary>
internal sealed partial class AnswerStoreUnavailable(IProblemDetailsService problems, ILogger<AnswerStoreUnavailable> logger) : IExceptionHandler
{
    /// <summary>The problem's <c>code</c>.</summary>
    public const string Code = "store_unavailable";

    /// <summary>Seconds a client is asked to wait: about what a PostgreSQL failover or restart takes.</summary>
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (Cause(exception) is not { } cause)
        {
            return false;
        }

        LogUnavailable(logger, httpContext.Request.Method, httpContext.Request.Path, FailureKind.Of(cause));
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Storage unavailable",
                Detail = "The cluster's database could not be reached; the request may not have taken effect. Send it again once the database is back.",
                Extensions = { ["code"] = Code },
            },
        }).ConfigureAwait(false);
    }

    /// <summary>The transient database failure behind <paramref name="exception"/>, if that is what it is.</summary>
    private static NpgsqlException? Cause(Exception? exception)
    {
        for (var current = exception; current != null; current = current.InnerException)
        {
            if (current is NpgsqlException { IsTransient: true } unavailable)
            {
                return unavailable;
            }
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} answered 503 store_unavailable: PostgreSQL could not be reached ({Error})")]
    private static partial void LogUnavailable(ILogger logger, string method, string path, string error);
}
