using System.Collections.Concurrent;
using System.Security.Cryptography;
using M2M.Gateway.Audit;
using M2M.Gateway.Registry;

namespace M2M.Gateway.Tests.Support;

/// <summary>An in-memory device registry for the cases the SQLite one cannot stage: a device with a given secret (the protocol vector), an outage.</summary>
public sealed class InMemoryDeviceRegistry : IDeviceRegistry
{
    private readonly ConcurrentDictionary<string, DeviceCredential> _devices = new(StringComparer.Ordinal);

    public event EventHandler<string>? DeviceChanged;

    /// <summary>When true, credential look-ups fail as a broken database would.</summary>
    public bool Down { get; set; }

    public Task<DeviceCredential?> AddAsync(string deviceId, string tenant, IReadOnlyList<string> roles, CancellationToken cancellationToken)
    {
        var credential = new DeviceCredential(new RegisteredDevice(deviceId, tenant, roles, true, 1, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, null), RandomNumberGenerator.GetBytes(32));
        return Task.FromResult(_devices.TryAdd(deviceId, credential) ? credential : null);
    }

    public Task<RegisteredDevice?> FindAsync(string deviceId, CancellationToken cancellationToken) =>
        Task.FromResult(_devices.TryGetValue(deviceId, out var c) ? c.Device : null);

    public Task<DeviceCredential?> FindCredentialAsync(string deviceId, CancellationToken cancellationToken) => Down
        ? throw new InvalidOperationException("The registry is down.")
        : Task.FromResult(_devices.TryGetValue(deviceId, out var c) ? c : null);

    public Task<IReadOnlyList<RegisteredDevice>> ListAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<RegisteredDevice>>([.. _devices.Values.Select(c => c.Device).OrderBy(d => d.DeviceId, StringComparer.Ordinal)]);

    public Task<RegistryResult> SetEnabledAsync(string deviceId, bool enabled, CancellationToken cancellationToken)
    {
        if (!_devices.TryGetValue(deviceId, out var c))
        {
            return Task.FromResult(RegistryResult.NotFound);
        }

        _devices[deviceId] = c with { Device = c.Device with { Enabled = enabled } };
        DeviceChanged?.Invoke(this, deviceId);
        return Task.FromResult(RegistryResult.Ok);
    }

    public Task<DeviceCredential?> RotateSecretAsync(string deviceId, CancellationToken cancellationToken)
    {
        if (!_devices.TryGetValue(deviceId, out var c))
        {
            return Task.FromResult<DeviceCredential?>(null);
        }

        var rotated = new DeviceCredential(c.Device with { CredentialGeneration = c.Device.CredentialGeneration + 1, CredentialSince = DateTimeOffset.UtcNow }, RandomNumberGenerator.GetBytes(32));
        _devices[deviceId] = rotated;
        DeviceChanged?.Invoke(this, deviceId);
        return Task.FromResult<DeviceCredential?>(rotated);
    }

    public Task<RegistryResult> DeleteAsync(string deviceId, CancellationToken cancellationToken) =>
        Task.FromResult(_devices.TryRemove(deviceId, out _) ? RegistryResult.Ok : RegistryResult.NotFound);

    public Task TouchAsync(string deviceId, DateTimeOffset seenAt, CancellationToken cancellationToken)
    {
        if (_devices.TryGetValue(deviceId, out var c))
        {
            _devices[deviceId] = c with { Device = c.Device with { LastSeenAt = seenAt } };
        }

        return Task.CompletedTask;
    }

    /// <summary>A device with a given secret (the protocol's test vector).</summary>
    public void Add(string deviceId, byte[] secret, string tenant = "acme") =>
        _devices[deviceId] = new DeviceCredential(new RegisteredDevice(deviceId, tenant, [], true, 1, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, null), secret);
}

/// <summary>Keeps the audited events for assertions.</summary>
public sealed class CollectingAuditLog : IAuditLog
{
    private readonly ConcurrentQueue<AuditEvent> _events = new();

    public IReadOnlyList<AuditEvent> Events => [.. _events];

    public void Record(AuditEvent auditEvent) => _events.Enqueue(auditEvent);
}
