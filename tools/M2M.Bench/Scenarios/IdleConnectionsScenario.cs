using System.Globalization;
using M2M.Bench.Fleet;
using M2M.Bench.Measure;
using M2M.Bench.Report;
using M2M.Bench.Servers;

namespace M2M.Bench.Scenarios;

/// <summary>
/// Resident memory per idle authenticated connection, on a fresh server: its resident set (VmRSS)
/// before any connection and after each count of <see cref="BenchOptions.IdleCounts"/>, each read
/// after a forced full GC (the gateway; <see cref="ManagedGc"/>) and a settle; the figure is the
/// growth divided by the connections open.
/// </summary>
public static class IdleConnectionsScenario
{
    public sealed record Point(string Side, int Connections, long Connected, long ResidentBytes, long BaselineBytes, string Gc, string Load, IReadOnlyDictionary<string, int> Refused)
    {
        public double BytesPerConnection => (ResidentBytes - BaselineBytes) / (double)Math.Max(1, Connected);

        public string Describe() => string.Create(CultureInfo.InvariantCulture,
            $"idle {Side} at {Connections:N0}: {Connected:N0} connected{Format.Refusals(Refused)}; RSS {BaselineBytes / 1048576.0:0.0} -> {ResidentBytes / 1048576.0:0.0} MiB = {BytesPerConnection:N0} B per connection; {Gc}; {Load}");
    }

    public static async Task<IReadOnlyList<Point>> RunAsync(ServerUnderTest side, BenchOptions options)
    {
        await side.RefreshTokensAsync("idle", options.Parallel).ConfigureAwait(false);
        var (baseline, _) = await SettleAsync(side, options).ConfigureAwait(false);
        var points = new List<Point>();
        long connected = 0;
        var refused = new Dictionary<string, int>();
        foreach (var count in options.IdleCounts.Order())
        {
            var load = LoadAverage.Read();
            var result = await side.Generator.RunAsync(new LoadJob { Kind = "connect", Port = side.MqttPort, Prefix = "idle", Count = count - (int)connected, Parallel = options.Parallel, Keep = true }).ConfigureAwait(false);
            connected += result.Count;
            foreach (var (reason, n) in result.Refused)
            {
                refused[reason] = refused.GetValueOrDefault(reason) + n;
            }

            var (resident, gc) = await SettleAsync(side, options).ConfigureAwait(false);
            points.Add(new Point(side.Name, count, connected, resident, baseline, gc, load, new Dictionary<string, int>(refused)));
        }

        await side.Generator.RunAsync(new LoadJob { Kind = "disconnect" }).ConfigureAwait(false);
        return points;
    }

    /// <summary>Forces a full GC (the gateway), waits, and reads the resident set.</summary>
    private static async Task<(long Resident, string Gc)> SettleAsync(ServerUnderTest side, BenchOptions options)
    {
        var gc = side.IsGateway
            ? $"forced full GC #{await ManagedGc.ForceFullCollectionAsync(side.Process.Pid, TimeSpan.FromSeconds(30)).ConfigureAwait(false)}, then {options.SettleSeconds:0.#} s settle"
            : $"no GC (C), {options.SettleSeconds:0.#} s settle";
        await Task.Delay(TimeSpan.FromSeconds(options.SettleSeconds)).ConfigureAwait(false);
        return (side.Process.ResidentBytes(), gc);
    }
}
