using Prometheus;

namespace M2M.Gateway.Metrics;

/// <summary>
/// Prometheus exposition at /metrics with prometheus-net (docs/ingress.md, "Metrics", says why this
/// library): the gateway's own registry, so two gateways in one process never mix their counts.
/// </summary>
public static class MetricsEndpoints
{
    /// <summary>Path of the metrics endpoint.</summary>
    public const string Path = "/metrics";

    /// <summary>Registers <see cref="GatewayMetrics"/>.</summary>
    public static IServiceCollection AddGatewayMetrics(this IServiceCollection services) => services.AddSingleton<GatewayMetrics>();

    /// <summary>Maps <see cref="Path"/>.</summary>
    public static WebApplication MapGatewayMetrics(this WebApplication app)
    {
        var registry = app.Services.GetRequiredService<GatewayMetrics>().Registry;
        app.MapMetrics(Path, registry);
        return app;
    }
}
