using System.Text;
using M2M.Gateway.Relay.Http;
using M2M.Gateway.Tests.Support;
using M2M.Gateway.TestHost;
using M2M.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using MQTTnet;

namespace M2M.Gateway.Tests;

/// <summary>
/// A real Prometheus behind an authenticating reverse proxy (written here: it passes a remote
/// write on only with the right bearer token), and a sink configured with a stored credential that
/// holds the wrong token: /health names the refusal, <c>m2m_relay_auth_failures_total</c> counts it,
/// nothing is dead-lettered, and once the operator stores the right token the backlog arrives, each
/// sample once.
/// </summary>
public sealed class ABadSinkCredentialIsReportedAndLosesNothingTests : IAsyncLifetime, IDisposable
{
    private readonly TestWorld _world = TestWorld.Create(("sensor-1", "acme"));
    private readonly long _base = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 60_000;
    private readonly HttpClient _forward = new();
    private PrometheusServer _prometheus = null!;
    private WebApplication _proxy = null!;

    public async Task InitializeAsync()
    {
        _prometheus = await PrometheusServer.StartAsync();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{LoopbackPort.Free()}");
        _proxy = builder.Build();
        _proxy.MapPost("/api/v1/write", ForwardAsync);
        await _proxy.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _prometheus.DisposeAsync();
    }

    public void Dispose() => _forward.Dispose();

    [Fact]
    public async Task TheRefusalIsNamedCountedAndTheBacklogDeliveredOnceTheCredentialIsFixed()
    {
        await using var gateway = await InProcessGateway.StartAsync(_world, null,
            "--Gateway:Relay:Prometheus:Url", _proxy.Urls.First() + "/api/v1/write",
            "--Gateway:Relay:Prometheus:Auth:Scheme", "bearer",
            "--Gateway:Relay:Prometheus:Auth:Credential", "prometheus-token",
            "--Gateway:Relay:MaxAttempts", "2",
            "--Gateway:Relay:InitialBackoff", "00:00:00.050",
            "--Gateway:Relay:MaxBackoff", "00:00:00.300");
        var credentials = gateway.Service<SinkCredentialStore>();
        await credentials.SetAsync("prometheus-token", "wrong-token", default);
        await using var device = await gateway.ConnectAsync("sensor-1", DateTimeOffset.UtcNow);
        for (var seq = 1u; seq <= 10; seq++)
        {
            await PublishAsync(device, seq);
        }

        using var http = new HttpClient { BaseAddress = gateway.BaseAddress };
        var health = await Eventually.ValueAsync(() => http.GetStringAsync("/health"), h => h.Contains("sink prometheus failing", StringComparison.Ordinal), "/health to name the failing sink");
        Assert.Contains("http 401: the backend refused the sink's credential", health, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-token", health, StringComparison.Ordinal);
        Assert.True((await gateway.MetricsAsync()).Value("m2m_relay_auth_failures_total{sink=\"prometheus\",reason=\"refused_401\"}") >= 1);

        await credentials.SetAsync("prometheus-token", "right-token", default);
        await PublishAsync(device, 11); // the sentinel
        var samples = await Eventually.ValueAsync(SamplesAsync, s => s.Any(x => x.Value == 11), "the sentinel's sample");

        Assert.Equal(Enumerable.Range(1, 11).Select(seq => (_base + seq, (double)seq)), samples);
        Assert.Equal(0, (await gateway.MetricsAsync()).Value("m2m_relay_dead_letters_total", "sink", "prometheus"));
    }

    private async Task<IReadOnlyList<(long Time, double Value)>> SamplesAsync()
    {
        var series = await _prometheus.SamplesAsync("m2m_telemetry{device=\"sensor-1\",field=\"n\"}", TimeSpan.FromMinutes(10));
        return series.Count == 0 ? [] : Assert.Single(series).Samples;
    }

    private async Task PublishAsync(TestDevice device, uint seq)
    {
        var result = await device.PublishAsync(device.Telemetry(1, seq, Encoding.UTF8.GetBytes($"{{\"n\":{seq}}}"), timestamp: _base + seq));
        Assert.Equal(MqttClientPublishReasonCode.Success, result.ReasonCode);
    }

    private async Task<IResult> ForwardAsync(HttpRequest request)
    {
        if (request.Headers.Authorization.ToString() != "Bearer right-token")
        {
            return Results.Unauthorized();
        }

        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body);
        using var content = new ByteArrayContent(body.ToArray());
        content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
        content.Headers.TryAddWithoutValidation("Content-Encoding", request.Headers.ContentEncoding.ToString());
        content.Headers.TryAddWithoutValidation("X-Prometheus-Remote-Write-Version", request.Headers["X-Prometheus-Remote-Write-Version"].ToString());
        using var response = await _forward.PostAsync(_prometheus.WriteUrl, content);
        return Results.Text(await response.Content.ReadAsStringAsync(), statusCode: (int)response.StatusCode);
    }
}
