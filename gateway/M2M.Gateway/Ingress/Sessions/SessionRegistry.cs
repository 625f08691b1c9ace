using System.Collections.Concurrent;
using M2M.Gateway.Ingress.Authorization;
using M2M.Gateway.Ingress.Packets;
using M2M.Gateway.Ingress.Seams;
using M2M.Gateway.Metrics;
using Microsoft.Extensions.Options;

namespace M2M.Gateway.Ingress.Sessions;

/// <summary>
/// The live sessions, one per device id, and the rules that end them (docs/protocol.md section 7.1):
/// a session's deadline passing (0xA0), its device disabled, deleted, registered again or rotated
/// (0x98: the credential generation the session was bound to is no longer current), its
/// subscriptions no longer allowed (0x87), a token it was authenticated with revoked (0x98, RFC 7009),
/// and a newer connection of the same device (0x8E).
/// </summary>
public sealed partial class SessionRegistry : IDisposable
{
    // How often deadlines are checked: one timer for every session rather than one per session
    // (a timer costs about 200 bytes, and the gateway holds tens of thousands of sessions); a
    // session ends at most this long after its deadline.
    private static readonly TimeSpan DeadlinePeriod = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, DeviceSession> _sessions = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly IDeviceDirectory? _directory;
    private readonly ITokenRevocations? _revocations;
    private readonly ILogger<SessionRegistry> _logger;
    private readonly ITimer _sweep;
    private readonly ITimer _deadlines;
    private readonly TopicPolicy _policy;

    public SessionRegistry(TimeProvider time, IOptions<MqttIngressOptions> options, TopicPolicy policy, GatewayMetrics metrics, ILogger<SessionRegistry> logger, IDeviceDirectory? directory = null, ITokenRevocations? revocations = null)
    {
        _time = time;
        _policy = policy;
        _directory = directory;
        _logger = logger;
        var interval = options.Value.RevalidateInterval;
        _sweep = time.CreateTimer(_ => _ = RevalidateAllAsync(), null, interval, interval);
        _deadlines = time.CreateTimer(_ => EndExpired(), null, DeadlinePeriod, DeadlinePeriod);
        if (directory != null)
        {
            directory.DeviceChanged += OnDeviceChanged;
        }

        // A revocation through this gateway ends the session at once; the sweep bounds it anyway.
        _revocations = revocations;
        if (revocations != null)
        {
            revocations.TokenRevoked += OnDeviceChanged;
        }

        metrics.Observe("m2m_mqtt_sessions", "Authenticated MQTT sessions now open.", () => _sessions.Count);
    }

    /// <summary>Number of live sessions.</summary>
    public int Count => _sessions.Count;

    /// <summary>The ids of the devices with a live session now (a snapshot).</summary>
    public IReadOnlyCollection<string> DeviceIds => (IReadOnlyCollection<string>)_sessions.Keys;

    /// <summary>The live session of a device, if any.</summary>
    public DeviceSession? Find(string deviceId) => _sessions.TryGetValue(deviceId, out var session) ? session : null;

    /// <summary>
    /// Raised after a session was recorded, on the thread that recorded it; in Cluster mode the
    /// session notices announce it to the other nodes, whose older session of the device then ends.
    /// </summary>
    public event EventHandler<DeviceSession>? SessionAdded;

    /// <summary>Records a new session and ends the one it takes over (0x8E, MQTT 5 section 3.1.4).</summary>
    public void Add(DeviceSession session)
    {
        DeviceSession? previous = null;
        _sessions.AddOrUpdate(session.DeviceId, session, (_, existing) =>
        {
            previous = existing;
            return session;
        });
        if (previous != null && !ReferenceEquals(previous, session))
        {
            LogEnding(previous.DeviceId, "session_taken_over", (int)ReasonCode.SessionTakenOver);
            previous.Connection?.Close(ReasonCode.SessionTakenOver, "session_taken_over");
        }

        // The CONNECT was checked before the session was registered; an operator action in between
        // raised DeviceChanged while there was no session to end. Checking once more closes that gap.
        _ = RevalidateAsync(session);
        SessionAdded?.Invoke(this, session);
    }

    /// <summary>
    /// Ends <paramref name="session"/> because the device connected to another node of the cluster
    /// (0x8E, MQTT 5 section 3.1.4: the same client identifier connected again); does nothing when it
    /// already ended or was replaced.
    /// </summary>
    public Task TakeOverAsync(DeviceSession session) => EndAsync(session, ReasonCode.SessionTakenOver, "session_taken_over");

    /// <summary>
    /// Re-checks the live session of <paramref name="deviceId"/>, if any, against the registry's
    /// current record rather than a cached one: a change made on another node of the cluster, which
    /// this node's registry cache has not heard of.
    /// </summary>
    public async Task RevalidateCurrentAsync(string deviceId)
    {
        if (Find(deviceId) is not { } session)
        {
            return;
        }

        if (_directory != null)
        {
            // Refreshes the cache's entry, so the check below reads the current record.
            await _directory.FindCurrentAsync(deviceId, CancellationToken.None).ConfigureAwait(false);
        }

        await RevalidateAsync(session).ConfigureAwait(false);
    }

    /// <summary>Forgets a session that ended, unless a newer one took its place.</summary>
    public void Remove(DeviceSession session)
    {
        _sessions.TryRemove(new KeyValuePair<string, DeviceSession>(session.DeviceId, session));
    }

    /// <summary>Moves a session's deadline later after an in-band renewal (section 7.2); true when it moved.</summary>
    public bool Extend(DeviceSession session, DateTimeOffset deadline)
    {
        return session.ExtendDeadline(deadline);
    }

    /// <summary>Re-checks every live session against the directory now.</summary>
    public async Task RevalidateAllAsync()
    {
        // The directory's cache is checked against the registry first, in a few queries for all of
        // it: this sweep is what ends a session within one interval after a change no event announced
        // (another gateway on the same registry), and each session's look-up below then reads the
        // registry only for a device whose record changed.
        if (_directory != null)
        {
            await _directory.RevalidateCacheAsync(CancellationToken.None).ConfigureAwait(false);
        }

        foreach (var session in _sessions.Values)
        {
            await RevalidateAsync(session).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        _sweep.Dispose();
        _deadlines.Dispose();
        if (_directory != null)
        {
            _directory.DeviceChanged -= OnDeviceChanged;
        }

        if (_revocations != null)
        {
            _revocations.TokenRevoked -= OnDeviceChanged;
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
        // RFC 7009: a revoked token no longer authenticates anything, the session it opened or renewed included.
        if (_revocations != null && session.TokenIds.Any(_revocations.IsRevoked))
        {
            await EndAsync(session, ReasonCode.AdministrativeAction, "token_revoked").ConfigureAwait(false);
            return;
        }

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

        // A subscription the device's current tenant and roles no longer allow ends the session:
        // the device must not keep receiving what it may not subscribe to any more.
        foreach (var filter in session.Subscriptions)
        {
            if (!_policy.MaySubscribe(session, filter))
            {
                await EndAsync(session, ReasonCode.NotAuthorized, "authorization_lost").ConfigureAwait(false);
                return;
            }
        }
    }

    /// <summary>Ends every session whose deadline has passed (0xA0, docs/protocol.md section 7.1).</summary>
    private void EndExpired()
    {
        var now = _time.GetUtcNow();
        foreach (var session in _sessions.Values)
        {
            if (now >= session.Deadline)
            {
                _ = EndAsync(session, ReasonCode.MaximumConnectTime, "deadline_passed");
            }
        }
    }

    private Task EndAsync(DeviceSession session, ReasonCode code, string reason)
    {
        if (_sessions.TryRemove(new KeyValuePair<string, DeviceSession>(session.DeviceId, session)))
        {
            LogEnding(session.DeviceId, reason, (int)code);

            // The connection counts the DISCONNECT (m2m_mqtt_gateway_disconnects_total).
            session.Connection?.Close(code, reason);
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ending the MQTT session of {DeviceId}: {Reason} (DISCONNECT 0x{Code:X2})")]
    private partial void LogEnding(string deviceId, string reason, int code);
}
