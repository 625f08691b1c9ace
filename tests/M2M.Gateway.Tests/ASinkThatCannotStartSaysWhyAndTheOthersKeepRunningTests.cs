using System.Net.Http.Headers;
using System.Text.Json;
using M2M.Gateway.Tests.Support;
using M2M.Gateway.TestHost;

namespace M2M.Gateway.Tests;

/// <summary>
/// A configured sink whose settings it cannot run with (docs/sinks.md, "Sinks that cannot start")
/// does not stop the gateway or the other sinks: it shows as failing with a reason that names the
/// setting, in /health (text and JSON, where every sink's state is listed), the metrics and the log,
/// and the others deliver.
/// </summary>
public sealed class ASinkThatCannotStartSaysWhyAndTheOthersKeepRunningTests
{
    [Fact]
    public async Task TheBadSinkIsFailingWithItsReasonAndTheFileSinkDelivers()
    {
        var world = TestWorld.Create(("sensor-1", "acme"));
        await using var gateway = await InProcessGateway.StartAsync(world, null,
            "--Gateway:Relay:Webhook:Url", "ftp://127.0.0.1/telemetry",
            "--Gateway:Relay:InitialBackoff", "00:00:00.020",
            "--Gateway:Relay:MaxBackoff", "00:00:00.100");
        await using var device = await gateway.ConnectAsync("sensor-1", DateTimeOffset.UtcNow);
        await RelayRig.PublishAsync(device, 1, 3);

        Assert.Equal([1, 2, 3], (await gateway.FileEventsAsync(3)).Select(e => int.Parse(e.GetProperty("m2mseq").GetString()!, System.Globalization.CultureInfo.InvariantCulture)));

        const string Reason = "configuration: Gateway:Relay:Webhook:Url is not an absolute http or https URL";
        using var http = new HttpClient { BaseAddress = gateway.BaseAddress };
        var text = await http.GetStringAsync(new Uri("/health", UriKind.Relative));
        Assert.StartsWith("Degraded\nrelay: Degraded: sink webhook failing since ", text, StringComparison.Ordinal);
        Assert.Contains($"({Reason}), 3 records behind", text, StringComparison.Ordinal);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/health");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await http.SendAsync(request);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Degraded", json.RootElement.GetProperty("status").GetString());
        var sinks = json.RootElement.GetProperty("checks").GetProperty("relay").GetProperty("data").GetProperty("sinks").EnumerateArray()
            .ToDictionary(s => s.GetProperty("name").GetString()!);
        Assert.Equal(["file", "webhook"], sinks.Keys.Order());
        Assert.Equal("delivering", sinks["file"].GetProperty("state").GetString());
        Assert.Equal(0, sinks["file"].GetProperty("lag").GetInt64());
        Assert.Equal("failing", sinks["webhook"].GetProperty("state").GetString());
        Assert.Equal(Reason, sinks["webhook"].GetProperty("lastError").GetString());
        Assert.Equal(3, sinks["webhook"].GetProperty("lag").GetInt64());

        var metrics = await gateway.MetricsAsync();
        Assert.True(metrics.Value($"m2m_relay_sink_failures_total{{sink=\"webhook\",reason=\"{Reason}\"}}") > 0, metrics.Text);
        Assert.Equal(1, metrics.Value("m2m_relay_sink_failing", "sink", "webhook"));
        Assert.Equal(0, metrics.Value("m2m_relay_sink_failing", "sink", "file"));
    }
}
