using System.Globalization;
using M2M.Bench.Scenarios;

namespace M2M.Bench.Report;

/// <summary>
/// One figure of issue 12's table: its value in every repetition on each side, the per-repetition
/// ratio (gateway / Mosquitto, repetitions paired as they were interleaved), the target and whether
/// it is met. <see cref="Caveats"/> are footnotes the figure cannot be read without (a generator
/// that could not keep up, a record lost).
/// </summary>
public sealed record FigureRow(string Figure, IReadOnlyList<double> Gateway, IReadOnlyList<double> Mosquitto, string Target, Func<FigureRow, string> Status)
{
    public IReadOnlyList<string> Caveats { get; init; } = [];

    public IReadOnlyList<double> Ratios => Gateway.Count == Mosquitto.Count
        ? [.. Gateway.Zip(Mosquitto, (g, m) => m == 0 ? double.NaN : g / m)]
        : [];

    public double GatewayMedian => Format.Median(Gateway);

    public double RatioMedian => Format.Median(Ratios);
}

/// <summary>Everything one <c>compare</c> printed: the figures, one line per measured run, and failures.</summary>
public sealed class BenchReport(BenchOptions options)
{
    public BenchOptions Options { get; } = options;

    public DateTime Started { get; } = DateTime.UtcNow;

    public string LoadAtStart { get; } = Measure.LoadAverage.Read();

    public List<FigureRow> Rows { get; } = [];

    public List<string> Runs { get; } = [];

    public List<string> Failures { get; } = [];

    public void AddTokens(IReadOnlyList<TokenIssuanceScenario.Run> runs)
    {
        var caveats = Caveats(
            (runs.Any(r => r.Refused.Count > 0), "some token requests were refused (see runs)"),
            (runs.Any(r => r.GeneratorBound), GeneratorLikelyBound));

        Rows.Add(new FigureRow($"tokens issued/s, {Options.Parallel} in flight", [.. runs.Select(r => r.TokensPerSecond)], [], ">= 5,000/s",
            r => r.GatewayMedian >= 5000 ? "met" : "not met") { Caveats = caveats });
        Rows.Add(new FigureRow("token request p99, ms", [.. runs.Select(r => r.P99)], [], "-", _ => "-"));
        Rows.Add(new FigureRow("gateway CPU per token, us", [.. runs.Select(r => r.MicrosPerToken)], [], "-", _ => "-"));
        Runs.AddRange(runs.Select(r => r.Describe()));
    }

    public void AddThroughput(IReadOnlyList<ThroughputScenario.Run> gateway, IReadOnlyList<ThroughputScenario.Run> mosquitto)
    {
        var all = gateway.Concat(mosquitto).ToList();
        var caveats = Caveats(
            (all.Any(r => r.GeneratorBound), "in some runs the generator did not keep the in-flight windows full: those figures are what it offered, not the server's limit (see runs)"),
            (all.Any(r => r.Lost), "in some runs acknowledged messages never reached the sink (see runs)"),
            (all.Any(r => r.RelayBehind), "in some runs the sink received clearly fewer records than were acknowledged in the window: the relay (or Mosquitto's subscriber) fell behind and its backlog grew (see runs)"));

        var shape = $"{Options.Devices} connections, {Options.PayloadBytes} B, {Options.InFlight} in flight each";
        Rows.Add(new FigureRow($"sustained end-to-end records/s at the sink ({shape})", [.. gateway.Select(r => r.SinkPerSecond)], [.. mosquitto.Select(r => r.SinkPerSecond)],
            ">= 1.0x Mosquitto (issue resolved at 0.8x)", r => r.RatioMedian >= 1.0 ? "met" : r.RatioMedian >= 0.8 ? "0.8x reached, 1.0x not" : "not met") { Caveats = caveats });
        Rows.Add(new FigureRow("PUBACKs/s in the same window", [.. gateway.Select(r => r.AcksPerSecond)], [.. mosquitto.Select(r => r.AcksPerSecond)], "-", _ => "-") { Caveats = caveats });
        Rows.Add(new FigureRow("server CPU per message, us (Mosquitto: broker + sink subscriber)", [.. gateway.Select(r => r.ServingMicrosPerMessage)], [.. mosquitto.Select(r => r.ServingMicrosPerMessage)],
            "-", _ => "-"));
        Runs.AddRange(all.OrderBy(r => r.Number).Select(r => r.Describe()));
    }

    public void AddLatency(double rate, IReadOnlyList<LatencyScenario.Run> gateway, IReadOnlyList<LatencyScenario.Run> mosquitto)
    {
        var all = gateway.Concat(mosquitto).ToList();
        var caveats = Caveats(
            (all.Any(r => r.GeneratorBound), "in some runs the generator offered less than the rate asked (see runs)"),
            (all.Any(r => r.ServerBehind), "in some runs the server did not keep up with the rate: messages waited for room in the in-flight windows, so the latency grows with the length of the run (see runs)"),
            (all.Any(r => r.Missing > 0), "in some runs acknowledged messages never reached the sink: they are not in the percentiles (see runs)"));

        var at = string.Create(CultureInfo.InvariantCulture, $"at {rate:N0} msg/s");
        Rows.Add(new FigureRow($"p50 publish-to-sink latency {at}, ms", [.. gateway.Select(r => r.P50)], [.. mosquitto.Select(r => r.P50)], "-", _ => "-") { Caveats = caveats });
        Rows.Add(new FigureRow($"p99 publish-to-sink latency {at}, ms", [.. gateway.Select(r => r.P99)], [.. mosquitto.Select(r => r.P99)], "< 5 ms",
            r => r.GatewayMedian < 5 ? "met" : "not met") { Caveats = caveats });
        Runs.AddRange(all.OrderBy(r => r.Number).Select(r => r.Describe()));
    }

    public void AddConnects(IReadOnlyList<ConnectScenario.Run> gateway, IReadOnlyList<ConnectScenario.Run> mosquitto)
    {
        var caveats = Caveats(
            (gateway.Concat(mosquitto).Any(r => r.Refused.Count > 0), "some CONNECTs were refused: the rate counts only accepted ones (see runs)"),
            (gateway.Concat(mosquitto).Any(r => r.GeneratorBound), GeneratorLikelyBound));

        Rows.Add(new FigureRow($"authenticated connects/s, {Options.Parallel} in flight (gateway: access token; Mosquitto: password file)",
            [.. gateway.Select(r => r.ConnectsPerSecond)], [.. mosquitto.Select(r => r.ConnectsPerSecond)], ">= 1.0x Mosquitto", r => r.RatioMedian >= 1.0 ? "met" : "not met") { Caveats = caveats });
        Runs.AddRange(gateway.Concat(mosquitto).OrderBy(r => r.Number).Select(r => r.Describe()));
    }

    public void AddIdle(IReadOnlyList<IdleConnectionsScenario.Point> gateway, IReadOnlyList<IdleConnectionsScenario.Point> mosquitto)
    {
        var g = gateway[^1];
        var m = mosquitto[^1];
        var refused = Caveats((g.Refused.Count > 0 || m.Refused.Count > 0, "some idle CONNECTs were refused: the figure divides by those connected (see runs)"));
        Rows.Add(new FigureRow(string.Create(CultureInfo.InvariantCulture, $"resident memory per idle authenticated connection at {g.Connections:N0}, bytes"),
            [g.BytesPerConnection], [m.BytesPerConnection], "<= 8 KB (8,192 B)", r => r.GatewayMedian <= 8192 ? "met" : "not met") { Caveats = refused });
        Runs.AddRange(gateway.Concat(mosquitto).Select(p => p.Describe()));
    }

    public void AddCluster(IReadOnlyList<ClusterScenario.Run> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var saturated = Caveats((runs.Any(r => r.Cpu.MachineSaturated), "every process of the cluster shares this machine's cores: the machine was saturated, so more gateways divide the same cores (see runs and docs/scaling.md)"));
        foreach (var size in runs.Select(r => r.Gateways).Distinct().Order())
        {
            var these = runs.Where(r => r.Gateways == size).ToList();
            Rows.Add(new FigureRow(string.Create(CultureInfo.InvariantCulture, $"cluster ingest, {size} gateway(s): PUBACKs/s, journal on 3 NATS nodes (R3)"),
                [.. these.Select(r => r.AcksPerSecond)], [], "-", _ => "-") { Caveats = saturated });
            Rows.Add(new FigureRow(string.Create(CultureInfo.InvariantCulture, $"cluster, {size} gateway(s): gateway CPU per message, us"),
                [.. these.Select(r => r.MicrosPerMessage)], [], "-", _ => "-"));
            Rows.Add(new FigureRow(string.Create(CultureInfo.InvariantCulture, $"cluster, {size} gateway(s): NATS CPU per message (3 replicas), us"),
                [.. these.Select(r => r.NatsMicrosPerMessage)], [], "-", _ => "-"));
        }

        Runs.AddRange(runs.Select(r => r.Describe()));
    }

    private static List<string> Caveats(params (bool When, string Text)[] candidates) => [.. candidates.Where(c => c.When).Select(c => c.Text)];

    private const string GeneratorLikelyBound =
        "in some runs the machine was saturated and the generator used at least as much CPU as the server: the figure is likely the generator's limit, not the server's (see runs)";
}
