using System;
using System.Threading;
using M2M.Device.Core.App;
using M2M.Device.Core.Host.Platform;
using M2M.Device.Core.Platform;
using M2M.Device.Core.Storage;

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

    /// <summary>Writes <paramref name="credential"/> (both slots) and <paramref name="config"/> to the drive folder <paramref name="drive"/>, as provisioning a board does.</summary>
    public static void Provision(string drive, DeviceCredential credential, DeviceConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var files = new HostFileStore(drive);
        new CredentialStore(files).Provision(credential);
        files.WriteAll(DeviceConfig.FileName, config.Format());
    }

    /// <summary>One boot of the board: a new application over the drive folder <paramref name="drive"/>, as after a power cycle; <paramref name="restart"/> decides what its restart does.</summary>
    public static RunningDevice Boot(string drive, IDeviceRestart restart)
    {
        var hmac = new HostHmacSha256();
        var random = new HostRandom();
        var connections = new HostConnections(hmac, random, TimeSpan.FromSeconds(10));
        var platform = new DevicePlatform(new HostFileStore(drive), new HostClock(), random, hmac, new HostNetworkLink(), null, new HostDeviceStatus(), connections) { Restart = restart };
        var app = new DeviceApplication(platform);
        if (!app.Start())
        {
            connections.Dispose();
            throw new InvalidOperationException("The device application did not start: " + app.LastError);
        }

        return new RunningDevice(app, connections);
    }

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
