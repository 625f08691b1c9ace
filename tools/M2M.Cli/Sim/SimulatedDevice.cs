using M2M.Device.Core.App;
using M2M.Device.Core.Host.App;
using M2M.Device.Core.Host.Platform;
using M2M.Device.Core.Platform;
using M2M.Device.Core.Session;
using M2M.Device.Core.Storage;

namespace M2M.Cli.Sim;

/// <summary>
/// One simulated board running the device application of the host build (<see cref="DeviceApplication"/>,
/// the code the ESP32 runs): its credential slots and boot epoch on a drive folder of its own, token
/// client, session manager, outbox, signer and command processor, so it answers every built-in command
/// (ping, set-config, reboot, rotate-secret) and takes part in over-the-air rotations. When the
/// application asks for a restart (reboot command, a rotation's new secret, a probation given up), the
/// board boots again: a new application over the same drive, as after a power cycle; what its outbox
/// held is lost, as in a board's RAM, and counted.
/// </summary>
public sealed class SimulatedDevice : IDeviceRestart, IDisposable
{
    private static readonly HostHmacSha256 Hmac = new();
    private static readonly HostRandom Random = new();
    private readonly object _sync = new();
    private readonly SimCounters _counters;
    private readonly string _drive;
    private RunningDevice? _running;
    private int _restartRequested;
    private bool _disposed;

    // Figures of the boots before the current one.
    private long _collected;
    private long _acknowledged;
    private long _refused;
    private long _dropped;
    private int _connects;
    private long _acknowledgedByFirstBoot;

    public SimulatedDevice(string id, byte[] secret, Uri tokenEndpoint, string mqttHost, int mqttPort, SimCounters counters)
    {
        Id = id;
        _counters = counters;
        _drive = Directory.CreateTempSubdirectory("m2m-sim-").FullName;
        var files = new HostFileStore(_drive);
        var credential = new DeviceCredential(id, secret, tokenEndpoint.ToString(), mqttHost, mqttPort) { MqttTls = false };
        try
        {
            new CredentialStore(files).Provision(credential);
        }
        finally
        {
            credential.Clear();
        }

        // The sim sets the pace (Collect); the application's own schedule stays out of the way.
        files.WriteAll(DeviceConfig.FileName, new DeviceConfig { TelemetryIntervalSeconds = DeviceConfig.MaxIntervalSeconds }.Format());
    }

    public string Id { get; }

    public long Collected => Sum(_collected, a => a.Collected);

    public long Acknowledged => Sum(_acknowledged, a => a.Session!.Acknowledged);

    public long Refused => Sum(_refused, a => a.Session!.Refused);

    public long Dropped => Sum(_dropped, a => a.Outbox!.Dropped);

    public int Connects => (int)Sum(_connects, a => a.Session!.Connects);

    /// <summary>Messages acknowledged by the boots after the first (under a rotated secret, after a rotation).</summary>
    public long AcknowledgedAfterRestart => Restarts == 0 ? 0 : Acknowledged - _acknowledgedByFirstBoot;

    /// <summary>Boots after the first, each asked for by the application.</summary>
    public int Restarts { get; private set; }

    /// <summary>Signed messages still in the outbox (sent or not, unacknowledged) when the board restarted.</summary>
    public long LostAtRestart { get; private set; }

    public SessionState State
    {
        get
        {
            lock (_sync)
            {
                return _running?.App.Session!.State ?? SessionState.Stopped;
            }
        }
    }

    /// <summary>The first boot.</summary>
    public void Start()
    {
        lock (_sync)
        {
            Boot();
        }
    }

    /// <summary>Collects and signs one telemetry message now (as the board does when it takes a reading); none while it reboots.</summary>
    public void Collect()
    {
        lock (_sync)
        {
            _running?.App.Collect();
        }
    }

    /// <summary>Called by the application on its collection thread: the reboot runs on another, which stops that one.</summary>
    void IDeviceRestart.Restart()
    {
        if (Interlocked.Exchange(ref _restartRequested, 1) == 0)
        {
            ThreadPool.QueueUserWorkItem(_ => Reboot());
        }
    }

    public void Dispose()
    {
        lock (_sync)
        {
            _disposed = true;
            _running?.Dispose();
            _running = null;
        }

        Directory.Delete(_drive, true);
    }

    private void Reboot()
    {
        lock (_sync)
        {
            if (!_disposed)
            {
                var app = _running!.App;
                _running.Dispose();
                _collected += app.Collected;
                _acknowledged += app.Session!.Acknowledged;
                _refused += app.Session.Refused;
                _dropped += app.Outbox!.Dropped;
                _connects += app.Session.Connects;
                LostAtRestart += app.Outbox.Count;
                if (Restarts++ == 0)
                {
                    _acknowledgedByFirstBoot = _acknowledged;
                }

                Boot();
            }

            Volatile.Write(ref _restartRequested, 0);
        }
    }

    private void Boot()
    {
        var connections = new HostConnections(Hmac, Random, TimeSpan.FromSeconds(30));
        var platform = new DevicePlatform(new HostFileStore(_drive), new HostClock(), Random, Hmac, new HostNetworkLink(), null, new HostDeviceStatus(), new ObservedConnections(connections, _counters))
        {
            Restart = this,
        };
        var app = new DeviceApplication(platform);
        if (!app.Start())
        {
            connections.Dispose();
            throw new InvalidOperationException($"{Id}: the device application did not start ({app.LastError})");
        }

        _running = new RunningDevice(app, connections);
    }

    private long Sum(long before, Func<DeviceApplication, long> current)
    {
        lock (_sync)
        {
            return before + (_running == null ? 0 : current(_running.App));
        }
    }
}
