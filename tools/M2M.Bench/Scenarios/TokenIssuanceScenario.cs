using System.Diagnostics;
using M2M.Bench.Fleet;
using M2M.Bench.Measure;
using M2M.Bench.Servers;

namespace M2M.Bench.Scenarios;

/// <summary>
/// Every device asks the token endpoint for an access token with a fresh client assertion
/// (docs/protocol.md section 3), <see cref="BenchOptions.Parallel"/> requests in flight; the tokens
/// are kept on the devices for the connection storm.
/// </summary>
public static class TokenIssuanceScenario
{
    public sealed record Figures(double TokensPerSecond, int Issued, IReadOnlyDictionary<string, int> Refused, double GeneratorCores, double ServerCores);

    public static async Task<Figures> RunAsync(GatewayApi api, IReadOnlyList<BenchDevice> devices, ServerProcess server, int parallel, CancellationToken cancellationToken)
    {
        var refused = new Dictionary<string, int>();
        var issued = 0;
        var cpu = CpuMeter.Start(server);
        var started = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(devices, new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = cancellationToken }, async (device, ct) =>
        {
            var (token, error) = await api.RequestTokenAsync(device, ct).ConfigureAwait(false);
            device.AccessToken = token;
            if (token != null)
            {
                Interlocked.Increment(ref issued);
                return;
            }

            lock (refused)
            {
                refused[error!] = refused.GetValueOrDefault(error!) + 1;
            }
        }).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var (generator, serverCores, _) = cpu.Stop();
        return new Figures(issued / elapsed.TotalSeconds, issued, refused, generator, serverCores);
    }
}
