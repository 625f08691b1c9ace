using M2M.Gateway.Cluster;
using M2M.Gateway.Health;
using M2M.Gateway.Ingress;
using M2M.Gateway.Ingress.Seams;
using M2M.Gateway.Metrics;
using M2M.Gateway.Relay;

namespace M2M.Gateway.TestHost;

/// <summary>The gateway's own composition (as in its Program.cs) plus the stand-in seams.</summary>
public static class TestGateway
{
    public static WebApplication Build(string[] args, TestWorld world, TimeProvider? time = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddClusterEngines(builder.Configuration);
        builder.Services.AddGatewayHealth();
        builder.Services.AddMqttIngress(builder.Configuration);
        if (time != null)
        {
            builder.Services.AddSingleton(time);
        }

        builder.Services.AddSingleton(world);
        builder.Services.AddSingleton<IAccessTokenValidator, TestAccessTokenValidator>();
        builder.Services.AddSingleton<IClientAssertionValidator, TestClientAssertionValidator>();
        builder.Services.AddSingleton<TestDeviceDirectory>();
        builder.Services.AddSingleton<IDeviceDirectory>(s => s.GetRequiredService<TestDeviceDirectory>());
        builder.Services.AddSingleton<IRecordSigner, TestRecordSigner>();

        var app = builder.Build();
        app.MapGatewayHealth();
        app.MapGatewayMetrics();
        return app;
    }
}
