using M2M.Gateway.Health;
using M2M.Gateway.Ingress;
using M2M.Gateway.Metrics;

// Composition only: each part registers itself through its own extension methods.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddGatewayHealth();
builder.Services.AddMqttIngress(builder.Configuration);

var app = builder.Build();
app.MapGatewayHealth();
app.MapGatewayMetrics();
app.Run();

/// <summary>Entry point type, visible to the integration tests.</summary>
public partial class Program;
