using System.Diagnostics;
using M2M.Bench.Fleet;
using M2M.Bench.Measure;
using M2M.Bench.Servers;

namespace M2M.Bench.Scenarios;

/// <summary>
/// Devices connect at once, <see cref="BenchOptions.Parallel"/> CONNECTs in flight: to the gateway with
/// their fresh access tokens (every CONNECT validates an ES256 token and asks the registry), to
/// Mosquitto with a user name and password from its password file.
/// </summary>
public static class ConnectionStormScenario
{
    public sealed record Figures(double ConnectsPerSecond, int Connected, IReadOnlyDictionary<string, int> Refused, double GeneratorCores, double ServerCores);

    public static async Task<Figures> RunAsync(int port, IReadOnlyList<(string ClientId, string? User, string? Password)> devices, ServerProcess server, int parallel, CancellationToken cancellationToken)
    {
        await using var fleet = new MqttFleet();
        var cpu = CpuMeter.Start(server);
        var started = Stopwatch.GetTimestamp();
        var refused = await fleet.ConnectAsync(port, devices, parallel, cancellationToken).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var (generator, serverCores, _) = cpu.Stop();
        return new Figures(fleet.Clients.Count / elapsed.TotalSeconds, fleet.Clients.Count, refused, generator, serverCores);
    }
}
