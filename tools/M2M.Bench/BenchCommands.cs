using System.CommandLine;
using M2M.Bench.Fleet;
using M2M.Bench.Report;
using M2M.Bench.Scenarios;
using M2M.Bench.Servers;
using Spectre.Console;

namespace M2M.Bench;

/// <summary>The benchmark's commands; <c>compare</c> is also mounted as <c>m2m bench compare</c>.</summary>
public static class BenchCommands
{
    /// <summary><c>compare</c>: runs the scenarios against the gateway and Mosquitto and prints the report.</summary>
    public static Command Compare()
    {
        var defaults = new BenchOptions { GatewayDll = "" };
        var quick = new Option<bool>("--quick") { Description = "Development mode: 1 s warm-up, 3 s windows, 1 repetition, 300 connects, 1,000 idle (seconds, not minutes; figures only indicative). Options given explicitly still apply." };
        var devices = new Option<int?>("--devices") { Description = $"Publishing connections (default {defaults.Devices})." };
        var inFlight = new Option<int?>("--in-flight") { Description = $"QoS 1 messages in flight per connection (default {defaults.InFlight})." };
        var payload = new Option<int?>("--payload-bytes") { Description = $"Payload size of each message (default {defaults.PayloadBytes})." };
        var warmup = new Option<double?>("--warmup") { Description = $"Seconds of load before each measured window (default {defaults.WarmupSeconds})." };
        var measure = new Option<double?>("--measure") { Description = $"Seconds of each measured window (default {defaults.MeasureSeconds})." };
        var repetitions = new Option<int?>("--repetitions") { Description = $"Repetitions of each measured run, gateway and Mosquitto interleaved (default {defaults.Repetitions})." };
        var latencyRate = new Option<double?>("--latency-rate") { Description = "Fixed rate of the latency scenario, messages/s (default: half of Mosquitto's measured end-to-end maximum)." };
        var connects = new Option<int?>("--connect-devices") { Description = $"Devices in the connect and token scenarios (default {defaults.ConnectDevices})." };
        var idle = new Option<int[]>("--idle") { Description = "Idle connection counts at which memory is read; the largest is the figure (default 10000).", AllowMultipleArgumentsPerToken = true };
        var parallel = new Option<int?>("--parallel") { Description = $"Token requests or CONNECTs in flight (default {defaults.Parallel})." };
        var scenarios = new Option<string[]>("--scenario") { Description = $"Scenarios to run ({string.Join(", ", BenchOptions.AllScenarios)}); default all.", AllowMultipleArgumentsPerToken = true };
        var gatewayDll = new Option<string?>("--gateway-dll") { Description = "The built M2M.Gateway.dll (default: found under gateway/M2M.Gateway/bin, Release first)." };
        var command = new Command("compare", "Run the gateway and Mosquitto side by side on loopback and print issue 12's figures (docs/benchmarks.md).")
        {
            quick, devices, inFlight, payload, warmup, measure, repetitions, latencyRate, connects, idle, parallel, scenarios, gatewayDll,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var dll = (parse.GetValue(gatewayDll) is { } given ? Path.GetFullPath(given) : null) ?? GatewayServer.FindBuiltGateway()
                ?? throw new InvalidOperationException("M2M.Gateway.dll not found: build gateway/M2M.Gateway or pass --gateway-dll.");
            var baseline = parse.GetValue(quick) ? (defaults with { GatewayDll = dll }).AsQuick() : defaults with { GatewayDll = dll };
            var chosen = parse.GetValue(scenarios);
            var unknown = chosen?.Except(BenchOptions.AllScenarios).ToList() ?? [];
            if (unknown.Count > 0)
            {
                throw new InvalidOperationException($"unknown scenario {string.Join(", ", unknown)}; known: {string.Join(", ", BenchOptions.AllScenarios)}");
            }

            var options = baseline with
            {
                Devices = parse.GetValue(devices) ?? baseline.Devices,
                InFlight = parse.GetValue(inFlight) ?? baseline.InFlight,
                PayloadBytes = parse.GetValue(payload) ?? baseline.PayloadBytes,
                WarmupSeconds = parse.GetValue(warmup) ?? baseline.WarmupSeconds,
                MeasureSeconds = parse.GetValue(measure) ?? baseline.MeasureSeconds,
                Repetitions = parse.GetValue(repetitions) ?? baseline.Repetitions,
                LatencyRate = parse.GetValue(latencyRate) ?? baseline.LatencyRate,
                ConnectDevices = parse.GetValue(connects) ?? baseline.ConnectDevices,
                IdleCounts = parse.GetValue(idle) is { Length: > 0 } counts ? counts : baseline.IdleCounts,
                Parallel = parse.GetValue(parallel) ?? baseline.Parallel,
                Scenarios = chosen is { Length: > 0 } ? new HashSet<string>(chosen) : baseline.Scenarios,
            };
            var console = AnsiConsole.Console;
            var report = await new BenchRunner(options, console).RunAsync().ConfigureAwait(false);
            ReportWriter.Write(console.Profile.Out.Writer, report);
            return report.Failures.Count == 0 ? 0 : 1;
        });
        return command;
    }

    /// <summary><c>load</c>: the load generator process the driver starts (jobs on standard input; not for direct use).</summary>
    public static Command Load()
    {
        var command = new Command("load", "The load generator process started by compare (reads JSON jobs on standard input).") { Hidden = true };
        command.SetAction(async (_, _) => await LoadGenerator.RunAsync(Console.In, Console.Out).ConfigureAwait(false));
        return command;
    }
}
