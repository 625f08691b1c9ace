using System.Globalization;
using M2M.Bench.Fleet;
using M2M.Bench.Measure;
using M2M.Bench.Report;

namespace M2M.Bench.Scenarios;

/// <summary>
/// Tokens issued per second with <see cref="BenchOptions.Parallel"/> requests in flight: the devices
/// ask the token endpoint in turn, each request a fresh client assertion (RFC 7523, docs/protocol.md
/// section 3), for a warm-up and a measured window; with the window's p99 and the gateway's CPU per
/// token. Mosquitto issues no tokens.
/// </summary>
public static class TokenIssuanceScenario
{
    public sealed record Run(int Number, double TokensPerSecond, double P50, double P99, double MicrosPerToken, string Verdict, CpuUsage Cpu, string Load, IReadOnlyDictionary<string, int> Refused)
    {
        public bool GeneratorBound => Verdict.StartsWith("GENERATOR", StringComparison.Ordinal);

        public string Describe() => string.Create(CultureInfo.InvariantCulture,
            $"tokens {Number}: {TokensPerSecond:N0}/s, p50 {P50:0.0} ms, p99 {P99:0.0} ms, gateway CPU {MicrosPerToken:N0} us/token{Format.Refusals(Refused)}; CPU {Cpu.Describe()}; {Verdict}; {Load}");
    }

    public static async Task<Run> RunAsync(ServerUnderTest gateway, BenchOptions options, int number)
    {
        var (result, cpu, load) = await gateway.MeasureAsync(new LoadJob
        {
            Kind = "tokens",
            BaseAddress = gateway.BaseAddress!.ToString(),
            Prefix = "connect",
            Parallel = options.Parallel,
            WarmupSeconds = options.WarmupSeconds,
            MeasureSeconds = options.MeasureSeconds,
        }).ConfigureAwait(false);
        var seconds = result.WindowSeconds;
        return new Run(number, result.WindowCount / seconds, result.P50Ms, result.P99Ms, cpu["gateway"] * seconds / Math.Max(1, result.WindowCount) * 1e6,
            cpu.Verdict(cpu["gateway"]), cpu, load, result.Refused);
    }
}
