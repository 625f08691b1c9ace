using System.Globalization;
using M2M.Bench.Measure;
using M2M.Bench.Report;

namespace M2M.Bench.Scenarios;

/// <summary>
/// Sustained throughput: every connection keeps <see cref="BenchOptions.InFlight"/> signed QoS 1
/// messages awaiting their PUBACK, as fast as the server answers, for a warm-up and a measured window.
/// Two rates come out of the same window: PUBACKs the generator received, and records that reached
/// the sink file (device PUBLISH -> verified -> journaled -> PUBACK -> relayed -> file), so a relay
/// that falls behind its ingest shows as sink &lt; acknowledged. After the window the load stops and
/// every acknowledged message must reach the sink.
/// </summary>
public static class ThroughputScenario
{
    /// <summary>The in-flight windows must be this full on average for the figure to be the server's limit.</summary>
    public const double ServerBoundOccupancy = 0.9;

    public sealed record Run(string Side, int Number, double AcksPerSecond, double SinkPerSecond, double ServingMicrosPerMessage, double BrokerMicrosPerMessage,
        long Acknowledged, long Delivered, double Occupancy, int InFlight, CpuUsage Cpu, string Load, IReadOnlyDictionary<string, int> Refused, long StrayRecords)
    {
        /// <summary>The sink got clearly fewer records than were acknowledged in the window: the relay fell behind its ingest.</summary>
        public bool RelayBehind => SinkPerSecond < 0.9 * AcksPerSecond;

        /// <summary>The generator did not keep the windows full: the figure is what it offered, not the server's limit.</summary>
        public bool GeneratorBound => !(Occupancy >= ServerBoundOccupancy);

        /// <summary>Something acknowledged never reached the sink.</summary>
        public bool Lost => Delivered < Acknowledged;

        public string Verdict => GeneratorBound
            ? $"GENERATOR-BOUND: the in-flight windows were only {Occupancy:P0} full, so the server may absorb more than this"
            : Cpu.MachineSaturated
                ? $"windows {Occupancy:P0} full, machine saturated: this is what the server absorbs sharing the cores with the generator ({Cpu["generator"]:0.00} cores)"
                : $"windows {Occupancy:P0} full, the server is the limit";

        public string Describe() => string.Create(CultureInfo.InvariantCulture,
            $"throughput {Number} {Side}: PUBACKs {AcksPerSecond:N0}/s, sink {SinkPerSecond:N0}/s{(RelayBehind ? " (the sink fell behind)" : "")}, {InFlight} in flight per connection; " +
            $"{(Lost ? "LOST: " : "")}delivered {Delivered:N0} of {Acknowledged:N0} acknowledged after the load stopped{Format.Refusals(Refused)}" +
            $"{(StrayRecords > 0 ? $", {StrayRecords:N0} records of earlier runs" : "")}; CPU {Cpu.Describe()}; server CPU {ServingMicrosPerMessage:N1} us/msg" +
            $"{(Side == "mosquitto" ? $" (broker alone {BrokerMicrosPerMessage:N1})" : "")}; {Verdict}; {Load}");
    }

    public static async Task<Run> RunAsync(ServerUnderTest side, BenchOptions options, int run, int number)
    {
        var observer = side.Observer!;
        var (result, cpu, load) = await side.PublishAsync(options, run, 0).ConfigureAwait(false);
        var seconds = result.WindowSeconds;
        var sunk = observer.ArrivedBetween(result.WindowStart, result.WindowEnd);
        var delivered = await observer.WaitForAsync(result.Count, TimeSpan.FromSeconds(15)).ConfigureAwait(false);
        // Per message both acknowledged and delivered in the window: a side whose relay lags its ingest
        // (or the reverse) is charged its whole CPU for the smaller count; when that count is zero there
        // is no cost per message to state.
        var messages = Math.Min(result.WindowCount, sunk) is > 0 and var m ? m : double.NaN;
        return new Run(side.Name, number, result.WindowCount / seconds, sunk / seconds,
            side.ServingCores(cpu) * seconds / messages * 1e6, cpu[side.Name] * seconds / messages * 1e6,
            result.Count, delivered, result.Occupancy, result.InFlight, cpu, load, result.Refused, observer.Strays.OtherRuns);
    }
}
