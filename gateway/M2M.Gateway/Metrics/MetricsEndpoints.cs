using Prometheus;

namespace M2M.Gateway.Metrics;

/// <summary>
/// Prometheus exposition at /metrics. The gateway measures with System.Diagnostics.Metrics
/// (<see cref="GatewayMetrics"/>); prometheus-net's meter adapter publishes those instruments in
/// the Prometheus text format (docs/ingress.md, "Metrics", says why this library).
/// </summary>
public static class MetricsEndpoints
{
    /// <summary>Path of the metrics endpoint.</summary>
    public const string Path = "/metrics";

    /// <summary>Maps <see cref="Path"/>.</summary>
    public static WebApplication MapGatewayMetrics(this WebApplication app)
    {
        // Only the gateway's own meter: the runtime's meters are prometheus-net's own default
        // collectors already, and ASP.NET Core's request meters are not this endpoint's concern.
        Prometheus.Metrics.ConfigureMeterAdapter(options => options.InstrumentFilterPredicate = instrument => instrument.Meter.Name == GatewayMetrics.MeterName);
        app.MapMetrics(Path);
        return app;
    }
}
