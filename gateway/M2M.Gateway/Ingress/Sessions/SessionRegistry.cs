using System.Collections.Concurrent;
using M2M.Gateway.Ingress.Packets;
using M2M.Gateway.Ingress.Seams;
using M2M.Gateway.Metrics;
using Microsoft.Extensions.Options;

namespace M2M.Gateway.Ingress.Sessions;

/// <summary>
/// The live sessions, one per device id, and the rules that end them (docs/protocol.md section 7.1):
/// a session's deadline passing (0xA0), its device disabled, deleted, registered again or rotated
/// (0x98: the credential generation the session was bound to is no longer current). Takeover
/// (0x8E) is done by the broker itself; the registry only forgets the old session.
/// </summary>
public sealed partial class SessionRegistry : IDisposable
{
    // TimeProvider timers accept at most about 49 days; a longer deadline is re-armed when reached.
    private static readonly TimeSpan LongestTimer = TimeSpan.FromDays(1);

    private readonly ConcurrentDictionary<string, DeviceSession> _sessions = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly IDeviceDirectory? _directory;
    private readonly GatewayMetrics _metrics;
    private readonly ILogger<SessionRegistry> _logger;
    private readonly ITimer _sweep;
    private Func<string, ReasonCode, Task>? _disconnect;

    public SessionRegistry(TimeProvider time, IOptions<MqttIngressOptions> options, GatewayMetrics metrics, ILogger<SessionRegistry> logger, IDeviceDirectory? directory = null)
    {
        _time = time;
        _directory = directory;
        _metrics = metrics;
        _logger = logger;
        var interval = options.Value.RevalidateInterval;
        _sweep = time.CreateTimer(_ => _ = RevalidateAllAsync(), null, interval, interval);
        if (directory != null)
        {
            directory.DeviceChanged += OnDeviceChanged;
        }

        metrics.Observe("m2m_mqtt_sessions", "Authenticated MQTT sessions now open.", () => _sessions.Count);
    }

    /// <summary>Number of live sessions.</summary>
    public int Count => _sessions.Count;

    /// <summary>Connects the registry to the broker that can end a session.</summary>
    public void AttachBroker(Func<string, ReasonCode, Task> disconnect) => _disconnect = disconnect;

    /// <summary>The live session of a device, if any.</summary>
    public DeviceSession? Find(string deviceId) => _sessions.TryGetValue(deviceId, out var session) ? session : null;

    /// <summary>Records a new session (replacing one it took over) and arms its deadline.</summary>
    public void Add(DeviceSession session)
    {
        if (_sessions.TryGetValue(session.DeviceId, out var previous))
        {
            previous.DeadlineTimer?.Dispose();
        }

        _sessions[session.DeviceId] = session;
        Arm(session);

        // The CONNECT was checked before the session was registered; an operator action in between
        // raised DeviceChanged while there was no session to end. Checking once more closes that gap.
        _ = RevalidateAsync(session);
    }

    /// <summary>Forgets a session that ended, unless a newer one took its place.</summary>
    public void Remove(DeviceSession session)
    {
        session.DeadlineTimer?.Dispose();
        _sessions.TryRemove(new KeyValuePair<string, DeviceSession>(session.DeviceId, session));
    }

    /// <summary>Moves a session's deadline later after an in-band renewal (section 7.2); true when it moved.</summary>
    public bool Extend(DeviceSession session, DateTimeOffset deadline)
    {
        if (!session.ExtendDeadline(deadline))
        {
            return false;
        }

        Arm(session);
        return true;
    }

    /// <summary>Re-checks every live session against the directory now.</summary>
    public async Task RevalidateAllAsync()
    {
        foreach (var session in _sessions.Values)
        {
            await RevalidateAsync(session).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        _sweep.Dispose();
        if (_directory != null)
        {
            _directory.DeviceChanged -= OnDeviceChanged;
        }

        foreach (var session in _sessions.Values)
        {
            session.DeadlineTimer?.Dispose();
        }
    }

    private void OnDeviceChanged(object? sender, string deviceId)
    {
        if (Find(deviceId) is { } session)
        {
            _ = RevalidateAsync(session);
        }
    }

    private async Task RevalidateAsync(DeviceSession session)
    {
        if (_directory == null)
        {
            return;
        }

        var lookup = await _directory.FindAsync(session.DeviceId, CancellationToken.None).ConfigureAwait(false);
        if (lookup.Status == DeviceLookupStatus.Unavailable)
        {
            // A registry outage is not a reason to cut devices off; the next sweep checks again.
            return;
        }

        // A session stays bound to the credential generation its token was bound to at CONNECT: a
        // rotation, or a deletion and re-registration (the id's generation never restarts), moves it
        // on, with or without a change event (a registry shared by several gateways).
        var device = lookup.Device;
        if (device == null || !device.Enabled || device.CredentialGeneration != session.Device.CredentialGeneration)
        {
            var reason = device == null ? "device_deleted" : !device.Enabled ? "device_disabled" : "device_rotated";
            await EndAsync(session, ReasonCode.AdministrativeAction, reason).ConfigureAwait(false);
            return;
        }

        // Tenant and roles follow the registry's current record.
        session.Refresh(device);
    }

    private void Arm(DeviceSession session)
    {
        session.DeadlineTimer?.Dispose();
        var due = session.Deadline - _time.GetUtcNow();
        due = due < TimeSpan.Zero ? TimeSpan.Zero : due > LongestTimer ? LongestTimer : due;
        session.DeadlineTimer = _time.CreateTimer(_ => _ = OnDeadlineAsync(session), null, due, Timeout.InfiniteTimeSpan);
    }

    private async Task OnDeadlineAsync(DeviceSession session)
    {
        if (_time.GetUtcNow() < session.Deadline)
        {
            // Renewed in the meantime, or a deadline beyond the longest timer.
            Arm(session);
            return;
        }

        await EndAsync(session, ReasonCode.MaximumConnectTime, "deadline_passed").ConfigureAwait(false);
    }

    private async Task EndAsync(DeviceSession session, ReasonCode code, string reason)
    {
        if (!_sessions.TryRemove(new KeyValuePair<string, DeviceSession>(session.DeviceId, session)))
        {
            return;
        }

        session.DeadlineTimer?.Dispose();
        _metrics.GatewayDisconnect(reason);
        LogEnding(session.DeviceId, reason, (int)code);
        if (_disconnect != null)
        {
            await _disconnect(session.DeviceId, code).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ending the MQTT session of {DeviceId}: {Reason} (DISCONNECT 0x{Code:X2})")]
    private partial void LogEnding(string deviceId, string reason, int code);
}
