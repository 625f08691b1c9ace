using System.Globalization;
using M2M.Bench.Report;
using Spectre.Console;

namespace M2M.Bench.Scenarios;

/// <summary>
/// Runs the chosen scenarios against the gateway and Mosquitto, each side on servers it starts on
/// loopback with its own load generator process, repetitions interleaved (gateway then Mosquitto,
/// then the other way round), and collects the report.
/// </summary>
public sealed class BenchRunner(BenchOptions options, IAnsiConsole console)
{
    private static readonly string[] TrafficScenarios = ["tokens", "throughput", "latency", "connect"];
    private readonly BenchReport _report = new(options);
    private int _runs;

    public async Task<BenchReport> RunAsync()
    {
        if (TrafficScenarios.Any(Wants))
        {
            await GroupAsync("tokens, throughput, latency, connect", RunTrafficAsync).ConfigureAwait(false);
        }

        if (Wants("idle"))
        {
            await GroupAsync("idle connections", RunIdleAsync).ConfigureAwait(false);
        }

        if (Wants("cluster"))
        {
            await GroupAsync("cluster", RunClusterAsync).ConfigureAwait(false);
        }

        return _report;
    }

    /// <summary>A failed group becomes a line saying why, so the other groups' figures still print.</summary>
    private async Task GroupAsync(string name, Func<Task> run)
    {
        try
        {
            await run().ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or HttpRequestException or TimeoutException or System.ComponentModel.Win32Exception)
        {
            _report.Failures.Add($"{name}: {e.Message}");
            Step($"[red]{Markup.Escape(name)} failed:[/] {Markup.Escape(e.Message)}");
        }
    }

    private bool Wants(string scenario) => options.Scenarios.Contains(scenario);

    private void Step(string markup) => console.MarkupLine($"[grey]{DateTime.UtcNow:HH:mm:ss}[/] {markup}");

    private T Show<T>(T run, string description)
    {
        Step(Markup.Escape(description));
        return run;
    }

    /// <summary>Gateway and Mosquitto in turn, the order swapped every repetition so a drift of the machine's load does not favour either.</summary>
    private static ServerUnderTest[] Interleaved(int repetition, ServerUnderTest gateway, ServerUnderTest mosquitto) =>
        repetition % 2 == 1 ? [gateway, mosquitto] : [mosquitto, gateway];

    private async Task RunTrafficAsync()
    {
        var load = Wants("throughput") || Wants("latency") ? options.Devices : 0;
        var connect = Wants("connect") || Wants("tokens") ? options.ConnectDevices : 0;
        (string, int)[] devices = [("load", load), ("connect", connect)];
        Step($"starting the gateway, registering {load + connect} devices through its admin API");
        using var gateway = await ServerUnderTest.StartGatewayAsync(options.GatewayDll, devices, observe: load > 0).ConfigureAwait(false);
        Step($"starting Mosquitto (persistence, password file of {load + connect} users, ACL) and its sink subscriber");
        using var mosquitto = await ServerUnderTest.StartMosquittoAsync(devices, observe: load > 0).ConfigureAwait(false);

        if (Wants("tokens"))
        {
            var runs = new List<TokenIssuanceScenario.Run>();
            for (var rep = 1; rep <= options.Repetitions; rep++)
            {
                var run = await TokenIssuanceScenario.RunAsync(gateway, options, rep).ConfigureAwait(false);
                runs.Add(Show(run, run.Describe()));
            }

            _report.AddTokens(runs);
        }

        var mosquittoEndToEnd = new List<double>();
        if (Wants("throughput"))
        {
            var (g, m) = (new List<ThroughputScenario.Run>(), new List<ThroughputScenario.Run>());
            for (var rep = 1; rep <= options.Repetitions; rep++)
            {
                foreach (var side in Interleaved(rep, gateway, mosquitto))
                {
                    var run = await ThroughputScenario.RunAsync(side, options, ++_runs, rep).ConfigureAwait(false);
                    (side.IsGateway ? g : m).Add(Show(run, run.Describe()));
                }
            }

            _report.AddThroughput(g, m);
            mosquittoEndToEnd.AddRange(m.Select(r => r.SinkPerSecond));
        }

        if (Wants("latency"))
        {
            var rate = options.LatencyRate ?? (mosquittoEndToEnd.Count > 0
                ? Math.Round(Format.Median(mosquittoEndToEnd) / 2)
                : throw new InvalidOperationException("the latency scenario needs --latency-rate, or the throughput scenario to measure Mosquitto's maximum"));
            Step(string.Create(CultureInfo.InvariantCulture, $"latency at {rate:N0} msg/s"));
            var (g, m) = (new List<LatencyScenario.Run>(), new List<LatencyScenario.Run>());
            for (var rep = 1; rep <= options.Repetitions; rep++)
            {
                foreach (var side in Interleaved(rep, gateway, mosquitto))
                {
                    var run = await LatencyScenario.RunAsync(side, options, rate, ++_runs, rep).ConfigureAwait(false);
                    (side.IsGateway ? g : m).Add(Show(run, run.Describe()));
                }
            }

            _report.AddLatency(rate, g, m);
        }

        if (Wants("connect"))
        {
            var (g, m) = (new List<ConnectScenario.Run>(), new List<ConnectScenario.Run>());
            for (var rep = 1; rep <= options.Repetitions; rep++)
            {
                foreach (var side in Interleaved(rep, gateway, mosquitto))
                {
                    var run = await ConnectScenario.RunAsync(side, options, rep).ConfigureAwait(false);
                    (side.IsGateway ? g : m).Add(Show(run, run.Describe()));
                }
            }

            _report.AddConnects(g, m);
        }
    }

    private async Task RunClusterAsync()
    {
        var runs = new List<ClusterScenario.Run>();
        foreach (var gateways in options.ClusterSizes)
        {
            runs.AddRange(await ClusterScenario.RunAsync(options, gateways, line => Step(Markup.Escape(line))).ConfigureAwait(false));
        }

        _report.AddCluster(runs);
    }

    private async Task RunIdleAsync()
    {
        var most = options.IdleCounts.Max();
        IReadOnlyList<IdleConnectionsScenario.Point> g, m;
        Step($"idle connections: a fresh gateway, {most} devices registered and given tokens");
        using (var gateway = await ServerUnderTest.StartGatewayAsync(options.GatewayDll, [("idle", most)], observe: false).ConfigureAwait(false))
        {
            g = await IdleConnectionsScenario.RunAsync(gateway, options).ConfigureAwait(false);
        }

        foreach (var point in g)
        {
            Step(Markup.Escape(point.Describe()));
        }

        Step($"idle connections: a fresh Mosquitto, {most} users in its password file");
        using (var mosquitto = await ServerUnderTest.StartMosquittoAsync([("idle", most)], observe: false).ConfigureAwait(false))
        {
            m = await IdleConnectionsScenario.RunAsync(mosquitto, options).ConfigureAwait(false);
        }

        foreach (var point in m)
        {
            Step(Markup.Escape(point.Describe()));
        }

        _report.AddIdle(g, m);
    }
}
