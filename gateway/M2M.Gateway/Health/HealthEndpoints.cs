namespace M2M.Gateway.Health;

/// <summary>Liveness endpoint for operators, load balancers and the test suite.</summary>
public static class HealthEndpoints
{
    /// <summary>Path of the health endpoint.</summary>
    public const string Path = "/health";

    /// <summary>Registers the health checks; each part of the gateway adds its own check.</summary>
    public static IServiceCollection AddGatewayHealth(this IServiceCollection services)
    {
        services.AddHealthChecks();
        return services;
    }

    /// <summary>Maps <see cref="Path"/>; it answers 200 "Healthy" while every registered check passes.</summary>
    public static WebApplication MapGatewayHealth(this WebApplication app)
    {
        app.MapHealthChecks(Path);
        return app;
    }
}
