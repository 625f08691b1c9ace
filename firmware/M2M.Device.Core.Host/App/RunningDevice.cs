using System;
using System.Threading;
using M2M.Device.Core.App;
using M2M.Device.Core.Host.Platform;

namespace M2M.Device.Core.Host.App;

/// <summary>
/// The device application of the host build with its two loops on their own threads, as
/// <see cref="DeviceApplication.Run"/> runs them on the board: the session manager's loop, and the
/// collection loop stepping <see cref="DeviceApplication.Tick"/>. Stopped and joined on dispose (once),
/// which also disposes the connections the application was composed with. The gateway's end-to-end
/// tests and <c>m2m sim</c> run devices with it.
/// </summary>
public sealed class RunningDevice : IDisposable
{
    private readonly HostConnections _connections;
    private readonly Thread _session;
    private readonly Thread _collector;
    private volatile bool _stopping;

    /// <summary>Starts both loops of <paramref name="app"/>, which must have started (<see cref="DeviceApplication.Start"/>).</summary>
    public RunningDevice(DeviceApplication app, HostConnections connections)
    {
        ArgumentNullException.ThrowIfNull(app);
        App = app;
        _connections = connections;
        var session = app.Session ?? throw new ArgumentException("The application has not started.", nameof(app));
        _session = new Thread(session.Run) { IsBackground = true };
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

    /// <summary>The running application.</summary>
    public DeviceApplication App { get; }

    /// <summary>Stops both loops (as a power cut does: what the outbox held is gone) and disposes the connections.</summary>
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
