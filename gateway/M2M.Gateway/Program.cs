using M2M.Gateway.Admin;
using M2M.Gateway.Audit;
using M2M.Gateway.Cluster;
using M2M.Gateway.Consumer;
using M2M.Gateway.OperatorConsole;
using M2M.Gateway.Commands;
using M2M.Gateway.Rotation;
using M2M.Gateway.Health;
using M2M.Gateway.Hosting;
using M2M.Gateway.Https;
using M2M.Gateway.Ingress;
using M2M.Gateway.Metrics;
using M2M.Gateway.Registry;
using M2M.Gateway.Secrets;
using M2M.Gateway.Tokens;

// Composition only: each part registers itself through its own extension methods. Secrets come
// before every part that opens a file in the data folder: a lost master key stops the start first.
// The cluster engines come first of all: every store asks them whether it is embedded or shared.
var builder = GatewayHost.CreateBuilder(args);
builder.Services.AddClusterEngines(builder.Configuration);
builder.Services.AddGatewayHealth();
builder.Services.AddGatewaySecrets();
builder.Services.AddDeviceRegistry(builder.Configuration);
builder.Services.AddAuditLog(builder.Configuration);
builder.Services.AddAdminApi(builder.Configuration);
builder.Services.AddConsumerApi(builder.Configuration);
builder.Services.AddTokenService(builder.Configuration);
builder.Services.AddGatewayHttps(builder.Configuration);
builder.Services.AddMqttIngress(builder.Configuration);
builder.Services.AddOperatorConsole(builder.Configuration);
builder.Services.AddDeviceCommands(builder.Configuration);
builder.Services.AddSecretRotation(builder.Configuration);

var app = builder.Build();
app.UseExceptionHandler();
app.MapGatewayHealth();
app.MapGatewayMetrics();
app.MapAdminApi();
app.MapConsumerApi();
app.MapTokenService();
app.MapGatewayHttps();
app.MapOperatorConsole();
app.Run();

/// <summary>Entry point type, visible to the integration tests.</summary>
public partial class Program;
