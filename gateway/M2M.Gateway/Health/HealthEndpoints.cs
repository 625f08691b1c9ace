using System.Text;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace M2M.Gateway.Health;

/// <summary>Health endpoint for operators, load balancers and the test suite (docs/ingress.md, "Health").</summary>
public static class HealthEndpoints
{
    private static readonly System.Text.Json.JsonSerializerOptions JsonOptions = new(System.Text.Json.JsonSerializerDefaults.Web);

    /// <summary>Path of the health endpoint.</summary>
    public const string Path = "/health";

    /// <summary>Registers the health checks; each part of the gateway adds its own check.</summary>
    public static IServiceCollection AddGatewayHealth(this IServiceCollection services)
    {
        services.AddHealthChecks();
        return services;
    }

    /// <summary>
    /// Maps <see cref="Path"/>: 200 with the body <c>Healthy</c> while every check passes; 200 with
    /// <c>Degraded</c> and then one line per degraded check (<c>relay: sink file failing since ...</c>)
    /// while the gateway still accepts data but a part is impaired; 503 with <c>Unhealthy</c> and the
    /// same lines when a check fails outright. A request that accepts <c>application/json</c> gets
    /// the same status code with every check's status, description and data (the relay's: every
    /// sink's state, position, lag and dead letters).
    /// </summary>
    public static WebApplication MapGatewayHealth(this WebApplication app)
    {
        app.MapHealthChecks(Path, new HealthCheckOptions
        {
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status200OK,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
            ResponseWriter = WriteAsync,
        });
        return app;
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        if (context.Request.Headers.Accept.Any(a => a != null && a.Contains("application/json", StringComparison.OrdinalIgnoreCase)))
        {
            return context.Response.WriteAsJsonAsync(
                new
                {
                    status = report.Status.ToString(),
                    checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description, data = e.Value.Data }),
                },
                JsonOptions,
                context.RequestAborted);
        }

        var body = new StringBuilder(report.Status.ToString());
        foreach (var (name, entry) in report.Entries)
        {
            if (entry.Status != HealthStatus.Healthy)
            {
                body.Append('\n').Append(name).Append(": ").Append(entry.Status).Append(": ").Append(entry.Description);
            }
        }

        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(body.ToString(), context.RequestAborted);
    }
}
