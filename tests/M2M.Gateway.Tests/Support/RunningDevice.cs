using M2M.Device.Core.App;
using M2M.Device.Core.Host.Platform;
using M2M.Device.Core.Platform;

namespace M2M.Gateway.Tests.Support;

/// <summary>
/// The device application of the host build with its two loops on their own threads, as on the board;
/// stopped and joined on dispose (once).
/// </summary>
public sealed class RunningDevice : IDisposable
{
    private readonly HostConnections _connections;
    private readonly Thread _session;
    private readonly Thread _collector;
    private volatile bool _stopping;

    public RunningDevice(DeviceApplication app, HostConnections connections)
    {
        App = app;
        _connections = connections;
        _session = new Thread(app.Session!.Run) { IsBackground = true };
        _collector = new Thread(() =>
        {
            while (!_stopping)
            {
                var wait = app.Tick();
                Thread.Sleep(Math.Clamp(wait, 1, 100));
            }
        })
        { IsBackground = true };
        _session.Start();
        _collector.Start();
    }

    public DeviceApplication App { get; }

    public void Dispose()
    {
        if (_stopping)
        {
            return;
        }

        _stopping = true;
        App.Session!.Stop();
        _session.Join(TimeSpan.FromSeconds(10));
        _collector.Join(TimeSpan.FromSeconds(10));
        _connections.Dispose();
    }
}

/// <summary>A restart that only counts: the test decides what a restart does (nothing, or a new boot).</summary>
public sealed class CountingRestart : IDeviceRestart
{
    private int _restarts;

    public int Restarts => Volatile.Read(ref _restarts);

    public void Restart() => Interlocked.Increment(ref _restarts);
}
