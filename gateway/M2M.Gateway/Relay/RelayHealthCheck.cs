using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace M2M.Gateway.Relay;

/// <summary>
/// The relay's part of /health: Degraded while a sink is retrying a record, failing or stuck,
/// naming each such sink with its state, since when and its last error's kind. Degraded, not
/// Unhealthy: the gateway still journals and acknowledges (until the backlog bound holds ingest
/// back), so a load balancer should keep it; monitoring alerts on it (docs/ingress.md, "Health").
/// Every sink's report, whatever its state, is in the result's data (<c>sinks</c>), which
/// <c>/health</c> shows as JSON.
/// </summary>
public sealed class RelayHealthCheck(RelayStatus status) : IHealthCheck
{
    /// <summary>The check's name in /health.</summary>
    public const string Name = "relay";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var reports = status.Report();
        var data = new Dictionary<string, object> { ["sinks"] = reports };
        var failing = reports.Where(r => r.Failing).ToList();
        if (failing.Count == 0)
        {
            return Task.FromResult(HealthCheckResult.Healthy(data: data));
        }

        var description = string.Join("; ", failing.Select(r => string.Create(CultureInfo.InvariantCulture,
            $"sink {r.Name} {r.State} since {r.Since:yyyy-MM-ddTHH:mm:ssZ} ({r.LastError ?? "no error"}), {r.Lag} records behind")));
        return Task.FromResult(HealthCheckResult.Degraded(description, data: data));
    }
}
