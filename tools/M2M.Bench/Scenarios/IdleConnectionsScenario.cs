using M2M.Bench.Fleet;
using M2M.Bench.Servers;

namespace M2M.Bench.Scenarios;

/// <summary>
/// Memory per idle connected device: the server's resident set (VmRSS) before any device connects and
/// after each count in <see cref="BenchOptions.IdleCounts"/> is connected and has settled; the figure is
/// the growth divided by the number of devices.
/// </summary>
public static class IdleConnectionsScenario
{
    public sealed record Point(int Devices, int Connected, long ResidentBytes, double BytesPerDevice, IReadOnlyDictionary<string, int> Refused);

    public static async Task<IReadOnlyList<Point>> RunAsync(int port, IReadOnlyList<(string ClientId, string? User, string? Password)> devices, ServerProcess server, IReadOnlyList<int> counts, int parallel, CancellationToken cancellationToken)
    {
        await using var fleet = new MqttFleet();
        var baseline = server.ResidentBytes();
        var points = new List<Point>();
        foreach (var count in counts.Order())
        {
            var more = devices.Skip(points.LastOrDefault()?.Devices ?? 0).Take(count - (points.LastOrDefault()?.Devices ?? 0)).ToList();
            // A refused connect (0x88 server unavailable when the machine is saturated) is counted and
            // left out: the figure divides by the devices really connected.
            var refused = await fleet.ConnectAsync(port, more, parallel, cancellationToken).ConfigureAwait(false);

            // Let the server finish the connects' transient work (buffers, GC) before reading memory.
            await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken).ConfigureAwait(false);
            var resident = server.ResidentBytes();
            points.Add(new Point(count, fleet.Clients.Count, resident, (resident - baseline) / (double)fleet.Clients.Count, refused));
        }

        return points;
    }
}
