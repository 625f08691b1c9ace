using System.Globalization;
using M2M.Bench.Measure;
using M2M.Bench.Report;

namespace M2M.Bench.Scenarios;

/// <summary>
/// Publish-to-sink latency at a fixed rate (by default half of Mosquitto's measured end-to-end
/// maximum), spread over all connections. Each payload carries the time it was due, so a message
/// delayed by a full window or a busy generator counts its wait; the observer notes when its record
/// appears in the sink file. Latency = arrival - due time, one clock (CLOCK_MONOTONIC) for all processes.
/// </summary>
public static class LatencyScenario
{
    /// <summary>The generator must have sent this share of the due messages for the latencies to describe the rate asked.</summary>
    public const double OfferedShare = 0.97;

    public sealed record Run(string Side, int Number, double Rate, double OfferedPerSecond, double P50, double P99, double P999, double Max,
        long Measured, long Missing, double AckP99, double Occupancy, CpuUsage Cpu, string Load, IReadOnlyDictionary<string, int> Refused)
    {
        /// <summary>Fewer messages went out than were due although the windows had room: the generator's limit, not the server's.</summary>
        public bool GeneratorBound => OfferedPerSecond < OfferedShare * Rate && !(Occupancy >= ThroughputScenario.ServerBoundOccupancy);

        /// <summary>Fewer went out than were due because the windows were full: the server did not keep up with the rate.</summary>
        public bool ServerBehind => OfferedPerSecond < OfferedShare * Rate && Occupancy >= ThroughputScenario.ServerBoundOccupancy;

        private string Offered => GeneratorBound
            ? " (GENERATOR-BOUND: below the rate asked while the windows had room)"
            : ServerBehind ? $" (the server fell behind: windows {Occupancy:P0} full, the waiting messages' delay is in the latency)" : "";

        public string Describe() => string.Create(CultureInfo.InvariantCulture,
            $"latency {Number} {Side} at {Rate:N0}/s: sink p50 {P50:0.00} ms, p99 {P99:0.00} ms, p99.9 {P999:0.00} ms, max {Max:0.00} ms over {Measured:N0} records" +
            $"{(Missing > 0 ? $", LOST: {Missing:N0} acknowledged NEVER reached the sink" : "")}; PUBACK p99 {AckP99:0.00} ms{Format.Refusals(Refused)}; " +
            $"sent {OfferedPerSecond:N0}/s in the window{Offered}; CPU {Cpu.Describe()}; {Load}");
    }

    public static async Task<Run> RunAsync(ServerUnderTest side, BenchOptions options, double rate, int run, int number)
    {
        var observer = side.Observer!;
        var (result, cpu, load) = await side.PublishAsync(options, run, rate).ConfigureAwait(false);
        var delivered = await observer.WaitForAsync(result.Count, TimeSpan.FromSeconds(15)).ConfigureAwait(false);
        var latencies = observer.LatenciesOfPublishedBetween(result.WindowStart, result.WindowEnd);
        return new Run(side.Name, number, rate, result.WindowSent / result.WindowSeconds,
            Latencies.Percentile(latencies, 0.50), Latencies.Percentile(latencies, 0.99), Latencies.Percentile(latencies, 0.999), Latencies.Percentile(latencies, 1.0),
            latencies.Count, Math.Max(0, result.Count - delivered), result.P99Ms, result.Occupancy, cpu, load, result.Refused);
    }
}
