using M2M.Gateway.Health;

// Composition only: each part registers itself through its own extension methods.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddGatewayHealth();

var app = builder.Build();
app.MapGatewayHealth();
app.Run();

/// <summary>Entry point type, visible to the integration tests.</summary>
public partial class Program;
