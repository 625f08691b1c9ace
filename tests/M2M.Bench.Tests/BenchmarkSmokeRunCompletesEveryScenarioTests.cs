using M2M.Bench.Scenarios;
using M2M.Bench.Servers;
using Spectre.Console;
using Xunit;

namespace M2M.Bench.Tests;

/// <summary>
/// The benchmark harness with tiny numbers: every scenario starts the real gateway and Mosquitto,
/// completes, and prints its table. Figures are not asserted (docs/testing.md: no timed assertions),
/// only that each was measured and that every message reached its sink.
/// </summary>
public sealed class BenchmarkSmokeRunCompletesEveryScenarioTests
{
    private static readonly string[] ExpectedScenarios =
        ["connection storm", "idle connections (4)", "idle connections (8)", "throughput (QoS 1)", "throughput latency", "throughput latency", "throughput latency", "token issuance"];

    [Fact]
    public async Task EveryScenarioCompletesAgainstBothServersAndPrintsTheRatioTable()
    {
        var options = new BenchOptions
        {
            Devices = 3,
            MessagesPerDevice = 5,
            StormDevices = 6,
            IdleCounts = [4, 8],
            Parallel = 4,
            GatewayDll = GatewayServer.FindBuiltGateway() ?? throw new InvalidOperationException("M2M.Gateway.dll not built"),
        };
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });

        var results = await new BenchRunner(options, console).RunAsync(CancellationToken.None);
        ResultTable.Write(console, results);

        Assert.Equal(
            ExpectedScenarios,
            results.Select(r => r.Scenario).Order(StringComparer.Ordinal));
        Assert.All(results, r => Assert.True(r.Gateway > 0, r.Scenario));
        Assert.All(results.Where(r => r.Scenario != "token issuance"), r => Assert.True(r.Mosquitto > 0, r.Scenario));
        var throughput = results.Single(r => r.Metric == "records/s at sink");
        Assert.Contains("delivered gw 15/15 (refused 0), mq 15/15", throughput.Notes, StringComparison.Ordinal);
        var storm = results.Single(r => r.Scenario == "connection storm");
        Assert.Contains("gateway 6 ok, CPU", storm.Notes, StringComparison.Ordinal);
        Assert.Contains("mosquitto 6 ok, CPU", storm.Notes, StringComparison.Ordinal);
        Assert.Contains("6 issued;", results.Single(r => r.Scenario == "token issuance").Notes, StringComparison.Ordinal);
        Assert.Contains("ratio", output.ToString(), StringComparison.Ordinal);
    }
}
