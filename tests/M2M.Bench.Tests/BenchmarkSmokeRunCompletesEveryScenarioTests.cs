using M2M.Bench.Report;
using M2M.Bench.Scenarios;
using M2M.Bench.Servers;
using Spectre.Console;
using Xunit;

namespace M2M.Bench.Tests;

/// <summary>
/// The benchmark harness with tiny numbers: every scenario starts the real gateway and Mosquitto
/// (with its sink subscriber), drives them from a separate load generator process, completes and
/// prints its table; the cluster scenario runs 1 and 2 gateways on a three-node NATS cluster and
/// PostgreSQL. Figures are not asserted (docs/testing.md: no timed assertions), only that each
/// was measured on both sides and that every acknowledged message reached its sink.
/// </summary>
public sealed class BenchmarkSmokeRunCompletesEveryScenarioTests
{
    [Fact]
    public async Task EveryScenarioCompletesAgainstBothServersAndPrintsTheTable()
    {
        var options = new BenchOptions
        {
            Devices = 3,
            InFlight = 2,
            WarmupSeconds = 0.2,
            MeasureSeconds = 0.5,
            Repetitions = 1,
            ConnectDevices = 6,
            IdleCounts = [8],
            Parallel = 4,
            SettleSeconds = 0.2,
            ClusterSizes = [1, 2],
            GatewayDll = GatewayServer.FindBuiltGateway() ?? throw new InvalidOperationException("M2M.Gateway.dll not built"),
        };
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });

        var report = await new BenchRunner(options, console).RunAsync();
        ReportWriter.Write(output, report);

        Assert.Empty(report.Failures);
        Assert.Equal(
            ["tokens issued/s", "token request p99", "gateway CPU per token", "sustained end-to-end records/s", "PUBACKs/s in the same window",
                "server CPU per message", "p50 publish-to-sink latency", "p99 publish-to-sink latency", "authenticated connects/s", "resident memory per idle authenticated connection",
                "cluster ingest", "cluster", "cluster", "cluster ingest", "cluster", "cluster"],
            report.Rows.Select(r => FigureName(r.Figure)));
        Assert.All(report.Rows, r => Assert.Single(r.Gateway));
        Assert.All(report.Rows.Where(r => !r.Figure.Contains("token", StringComparison.Ordinal) && !r.Figure.StartsWith("cluster", StringComparison.Ordinal)), r => Assert.Single(r.Mosquitto));
        Assert.DoesNotContain(report.Runs, run => run.Contains("LOST", StringComparison.Ordinal));
        Assert.Contains("| figure | gateway | Mosquitto | ratio gateway/Mosquitto | target | status |", output.ToString(), StringComparison.Ordinal);
    }

    /// <summary>The figure's name without the parameters that follow it (",", "(", " at ").</summary>
    private static string FigureName(string figure)
    {
        var end = new[] { figure.IndexOf(',', StringComparison.Ordinal), figure.IndexOf(" (", StringComparison.Ordinal), figure.IndexOf(" at ", StringComparison.Ordinal) }
            .Where(i => i > 0).DefaultIfEmpty(figure.Length).Min();
        return figure[..end];
    }
}
