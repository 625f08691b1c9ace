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
    public sealed record Point(int Devices, long ResidentBytes, double BytesPerDevice);

    public static async Task<IReadOnlyList<Point>> RunAsync(int port, IReadOnlyList<(string ClientId, string? User, string? Password)> devices, ServerProcess server, IReadOnlyList<int> counts, int parallel, CancellationToken cancellationToken)
    {
        await using var fleet = new MqttFleet();
        var baseline = server.ResidentBytes();
        var points = new List<Point>();
        foreach (var count in counts.Order())
        {
            var more = devices.Skip(fleet.Clients.Count).Take(count - fleet.Clients.Count).ToList();
            var refused = await fleet.ConnectAsync(port, more, parallel, cancellationToken).ConfigureAwait(false);
            if (refused.Count > 0)
            {
                throw new InvalidOperationException($"idle: connects refused at {count}: {string.Join(", ", refused.Select(r => $"{r.Key} x{r.Value}"))}");
            }

            // Let the server finish the connects' transient work (buffers, GC) before reading memory.
            await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken).ConfigureAwait(false);
            var resident = server.ResidentBytes();
            points.Add(new Point(count, resident, (resident - baseline) / (double)count));
        }

        return points;
    }
}
