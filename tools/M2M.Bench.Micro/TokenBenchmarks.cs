using BenchmarkDotNet.Attributes;
using M2M.Gateway.Audit;
using M2M.Gateway.Ingress.Seams;
using M2M.Gateway.Registry;
using M2M.Gateway.Secrets;
using M2M.Gateway.Tokens;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace M2M.Bench.Micro;

/// <summary>
/// The per-CONNECT cost of the token: the gateway's own IAccessTokenValidator (ES256 signature, issuer,
/// audience, lifetime, claims; docs/tokens.md) on a token its IssueToken stage minted, composed exactly as
/// the gateway composes them, over a registry in a temporary data folder.
/// </summary>
[MemoryDiagnoser]
public class TokenBenchmarks
{
    private WebApplication _app = null!;
    private IAccessTokenValidator _validator = null!;
    private string _token = "";
    private string _dataDirectory = "";

    [GlobalSetup]
    public void Setup()
    {
        _dataDirectory = Directory.CreateTempSubdirectory("m2m-micro-").FullName;
        var builder = WebApplication.CreateBuilder(["--Gateway:DataDirectory", _dataDirectory, "--Gateway:Issuer", "http://127.0.0.1:5080", "--Logging:LogLevel:Default", "Warning"]);
        builder.Services.AddGatewaySecrets();
        builder.Services.AddDeviceRegistry(builder.Configuration);
        builder.Services.AddAuditLog(builder.Configuration);
        builder.Services.AddTokenService(builder.Configuration);
        _app = builder.Build();
        var credential = _app.Services.GetRequiredService<IDeviceRegistry>().AddAsync("bench-0001", "bench", [], CancellationToken.None).GetAwaiter().GetResult()!;
        _token = _app.Services.GetRequiredService<IssueToken>().Run(credential.Device).AccessToken;
        _validator = _app.Services.GetRequiredService<IAccessTokenValidator>();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _app.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    [Benchmark(Description = "gateway: access token validation (ES256)")]
    public ValueTask<CredentialValidation> ValidateAccessToken() => _validator.ValidateAccessTokenAsync(_token, CancellationToken.None);
}
