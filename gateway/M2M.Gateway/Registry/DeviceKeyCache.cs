using System.Collections.Concurrent;

namespace M2M.Gateway.Registry;

/// <summary>
/// A registered device with its working keys (docs/protocol.md section 2.2), derived once from S:
/// what the token endpoint (K_auth) and the MQTT ingress (K_msg) need on every request. S itself is
/// not kept. Never logged.
/// </summary>
/// <param name="Device">The registry's record.</param>
/// <param name="AuthKey">K_auth = HKDF(S, "m2m/v1/auth").</param>
/// <param name="MessageKey">K_msg = HKDF(S, "m2m/v1/msg").</param>
public sealed record DeviceKeys(RegisteredDevice Device, ReadOnlyMemory<byte> AuthKey, ReadOnlyMemory<byte> MessageKey);

/// <summary>
/// The registry's records with their derived keys, kept in memory for at most <see cref="Lifetime"/>
/// (the ingress's <c>Gateway:Mqtt:RevalidateInterval</c>), so a token request or a CONNECT does not
/// open a connection, read the row, decrypt S (AES-GCM) and derive two keys (HKDF) each time
/// (docs/tokens.md, "Registry look-ups"). Correctness rests on two rules:
/// <list type="bullet">
/// <item>a change made through this gateway's registry (disable, enable, rotate, delete, registering
/// again) drops the device's entry before anyone hears of it: <see cref="DeviceChanged"/> is raised
/// after the entry is gone, and a look-up that read the registry before the change and finishes after
/// it does not put its stale answer back;</item>
/// <item>a change made by another process on the same registry (another gateway) is seen once the
/// entry is older than <see cref="Lifetime"/>, or at once by <see cref="ReloadAsync"/>, which reads the
/// registry itself; <see cref="RevalidateAsync"/> (the ingress's periodic sweep) checks every entry
/// in use against the registry's records in a few queries, drops the changed ones and renews the
/// rest, so a live session's device is neither re-read nor re-derived one by one.</item>
/// </list>
/// Unknown and deleted ids are not kept (every look-up of one reads the registry); an entry not looked
/// up between two revalidations is dropped by the second. Registry failures are thrown to the caller,
/// as the registry throws them.
/// </summary>
public sealed class DeviceKeyCache : IDisposable
{
    // Expired entries are removed every this many registry reads, so the cache holds about the
    // devices seen within one lifetime.
    private const int SweepEvery = 1024;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly IDeviceRegistry _registry;
    private readonly TimeProvider _time;
    private long _changes;
    private int _reads;

    public DeviceKeyCache(IDeviceRegistry registry, TimeProvider time, TimeSpan lifetime)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lifetime, TimeSpan.Zero);
        _registry = registry;
        _time = time;
        Lifetime = lifetime;
        _registry.DeviceChanged += OnDeviceChanged;
    }

    /// <summary>Raised with the device id after a change of the registry dropped the device's entry.</summary>
    public event EventHandler<string>? DeviceChanged;

    /// <summary>How long an entry is used before the registry is read again.</summary>
    public TimeSpan Lifetime { get; }

    /// <summary>The device and its keys (read at most <see cref="Lifetime"/> ago), or null when it is unknown or deleted.</summary>
    public ValueTask<DeviceKeys?> FindAsync(string deviceId, CancellationToken cancellationToken)
    {
        if (_entries.TryGetValue(deviceId, out var entry) && _time.GetElapsedTime(entry.ReadAt) < Lifetime)
        {
            entry.Used = true;
            return ValueTask.FromResult<DeviceKeys?>(entry.Keys);
        }

        return ReloadAsync(deviceId, cancellationToken);
    }

    /// <summary>
    /// Checks every entry against the registry's current records (<see cref="IDeviceRegistry.FindManyAsync"/>):
    /// an entry whose registration is unchanged (the same generation, so the same keys) is renewed for
    /// another <see cref="Lifetime"/>; a changed, deleted or unused one (not looked up since the last
    /// revalidation) is dropped. An entry replaced or dropped meanwhile is left as it is now.
    /// </summary>
    public async Task RevalidateAsync(CancellationToken cancellationToken)
    {
        var snapshot = _entries.ToArray();
        var changes = Interlocked.Read(ref _changes);
        var readAt = _time.GetTimestamp();
        var inUse = snapshot.Where(e => e.Value.Used).Select(e => e.Key).ToArray();
        var current = inUse.Length == 0
            ? new Dictionary<string, RegisteredDevice>(StringComparer.Ordinal)
            : (await _registry.FindManyAsync(inUse, cancellationToken).ConfigureAwait(false)).ToDictionary(d => d.DeviceId, StringComparer.Ordinal);

        // A change raised while the registry was read may have been read before it was made; the event
        // dropped its entry already, and nothing read here is put back.
        var renew = Interlocked.Read(ref _changes) == changes;
        foreach (var (deviceId, entry) in snapshot)
        {
            if (renew && entry.Used && current.TryGetValue(deviceId, out var device) && SameRegistration(entry.Keys.Device, device))
            {
                _entries.TryUpdate(deviceId, new Entry(entry.Keys with { Device = device }, readAt, used: false), entry);
            }
            else
            {
                _entries.TryRemove(KeyValuePair.Create(deviceId, entry));
            }
        }
    }

    /// <summary>The device and its keys as the registry has them now (the entry is renewed), or null.</summary>
    public async ValueTask<DeviceKeys?> ReloadAsync(string deviceId, CancellationToken cancellationToken)
    {
        var changes = Interlocked.Read(ref _changes);
        var readAt = _time.GetTimestamp();
        var credential = await _registry.FindCredentialAsync(deviceId, cancellationToken).ConfigureAwait(false);
        if (Interlocked.Increment(ref _reads) % SweepEvery == 0)
        {
            Sweep();
        }

        if (credential == null)
        {
            _entries.TryRemove(deviceId, out _);
            return null;
        }

        var keys = new DeviceKeys(credential.Device, DeviceKeyDerivation.DeriveAuthKey(credential.Secret.Span), DeviceKeyDerivation.DeriveMessageKey(credential.Secret.Span));
        var entry = new Entry(keys, readAt, used: true);
        _entries[deviceId] = entry;

        // A change raised while the registry was read may have been read before it was made: then the
        // answer goes to this caller (who asked before the change) but is not kept.
        if (Interlocked.Read(ref _changes) != changes)
        {
            _entries.TryRemove(KeyValuePair.Create(deviceId, entry));
        }

        return keys;
    }

    public void Dispose() => _registry.DeviceChanged -= OnDeviceChanged;

    private void OnDeviceChanged(object? sender, string deviceId)
    {
        Interlocked.Increment(ref _changes);
        _entries.TryRemove(deviceId, out _);
        DeviceChanged?.Invoke(this, deviceId);
    }

    /// <summary>The same registration, secret and state; only bookkeeping (last seen) may differ.</summary>
    private static bool SameRegistration(RegisteredDevice cached, RegisteredDevice current) =>
        cached.CredentialGeneration == current.CredentialGeneration
        && cached.Enabled == current.Enabled
        && cached.CreatedAt == current.CreatedAt
        && cached.CredentialSince == current.CredentialSince
        && string.Equals(cached.Tenant, current.Tenant, StringComparison.Ordinal)
        && cached.Roles.SequenceEqual(current.Roles, StringComparer.Ordinal);

    private void Sweep()
    {
        foreach (var entry in _entries)
        {
            if (_time.GetElapsedTime(entry.Value.ReadAt) >= Lifetime)
            {
                _entries.TryRemove(entry);
            }
        }
    }

    /// <summary>One device as read at <see cref="ReadAt"/> (a <see cref="TimeProvider"/> timestamp).</summary>
    private sealed class Entry(DeviceKeys keys, long readAt, bool used)
    {
        public DeviceKeys Keys { get; } = keys;

        public long ReadAt { get; } = readAt;

        /// <summary>Looked up since it was read or last revalidated (a benign race: at worst one extra read).</summary>
        public bool Used { get; set; } = used;
    }
}
