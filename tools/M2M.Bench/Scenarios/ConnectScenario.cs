using System.Globalization;
using M2M.Bench.Fleet;
using M2M.Bench.Measure;
using M2M.Bench.Report;

namespace M2M.Bench.Scenarios;

/// <summary>
/// Authenticated connects per second: <see cref="BenchOptions.ConnectDevices"/> devices CONNECT with
/// <see cref="BenchOptions.Parallel"/> in flight, to the gateway with fresh access tokens (each
/// CONNECT validates an ES256 token and asks the registry), to Mosquitto with a user name and password
/// from its password file; then they disconnect. The burst is run once unmeasured first (warm-up).
/// </summary>
public static class ConnectScenario
{
    public sealed record Run(string Side, int Number, double ConnectsPerSecond, long Connected, double ServingMicrosPerConnect, double GeneratorMicrosPerConnect, string Verdict, CpuUsage Cpu, string Load, IReadOnlyDictionary<string, int> Refused)
    {
        public bool GeneratorBound => Verdict.StartsWith("GENERATOR", StringComparison.Ordinal);

        public string Describe() => string.Create(CultureInfo.InvariantCulture,
            $"connect {Number} {Side}: {ConnectsPerSecond:N0}/s, {Connected:N0} connected{Format.Refusals(Refused)}; server CPU {ServingMicrosPerConnect:N0} us/connect, generator {GeneratorMicrosPerConnect:N0}; CPU {Cpu.Describe()}; {Verdict}; {Load}");
    }

    public static async Task<Run> RunAsync(ServerUnderTest side, BenchOptions options, int number)
    {
        await side.RefreshTokensAsync("connect", options.Parallel).ConfigureAwait(false);
        var job = new LoadJob { Kind = "connect", Port = side.MqttPort, Prefix = "connect", Parallel = options.Parallel };

        // Warm-up, unmeasured: the same burst once (connected, then closed), so the measured burst
        // meets a server as it runs in service, not the .NET gateway's first, unoptimised JIT tier
        // (a burst of a few thousand connects is over before tiered compilation has caught up).
        if (options.WarmupSeconds > 0)
        {
            await side.Generator.RunAsync(job).ConfigureAwait(false);
        }

        var (result, cpu, load) = await side.MeasureAsync(job).ConfigureAwait(false);
        var seconds = result.WindowSeconds;
        var perConnect = seconds / Math.Max(1, result.Count) * 1e6;
        return new Run(side.Name, number, result.Count / seconds, result.Count, side.ServingCores(cpu) * perConnect, cpu["generator"] * perConnect,
            cpu.Verdict(side.ServingCores(cpu)), cpu, load, result.Refused);
    }
}
