using System.Diagnostics;
using M2M.Bench.Servers;

namespace M2M.Bench.Measure;

/// <summary>
/// CPU used during one measured interval by the load generator (this process) and by the server
/// under test, as a share of one core, so the table shows whether the generator had headroom.
/// </summary>
public sealed class CpuMeter
{
    private readonly ServerProcess _server;
    private readonly TimeSpan _generatorStart;
    private readonly TimeSpan _serverStart;
    private readonly long _wallStart;

    private CpuMeter(ServerProcess server)
    {
        _server = server;
        _generatorStart = Process.GetCurrentProcess().TotalProcessorTime;
        _serverStart = server.CpuTime();
        _wallStart = Stopwatch.GetTimestamp();
    }

    public static CpuMeter Start(ServerProcess server) => new(server);

    /// <summary>(generator, server) CPU in cores (1.0 = one core busy the whole interval), and the wall time.</summary>
    public (double Generator, double Server, TimeSpan Wall) Stop()
    {
        var wall = Stopwatch.GetElapsedTime(_wallStart);
        var generator = (Process.GetCurrentProcess().TotalProcessorTime - _generatorStart) / wall;
        var server = (_server.CpuTime() - _serverStart) / wall;
        return (generator, server, wall);
    }
}
