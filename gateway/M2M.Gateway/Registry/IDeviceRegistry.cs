namespace M2M.Gateway.Registry;

/// <summary>A registered device as the gateway's identity part sees it.</summary>
/// <param name="DeviceId">The device id (docs/protocol.md section 2.1).</param>
/// <param name="Tenant">Its tenant.</param>
/// <param name="Roles">Its roles.</param>
/// <param name="Enabled">False once an operator disabled it.</param>
/// <param name="CredentialGeneration">
/// Starts at 1, increases at every secret rotation (section 8) and when a deleted id is registered
/// again: it never restarts for a device id, so a token issued for one generation is never taken for
/// another (claim <c>m2m_gen</c>, section 4).
/// </param>
/// <param name="CreatedAt">When it was added (registered again, for a re-registered id).</param>
/// <param name="CredentialSince">When the current secret came into force: registration or last rotation.</param>
/// <param name="LastSeenAt">When it last obtained a token or connected; null if never.</param>
public sealed record RegisteredDevice(
    string DeviceId,
    string Tenant,
    IReadOnlyList<string> Roles,
    bool Enabled,
    long CredentialGeneration,
    DateTimeOffset CreatedAt,
    DateTimeOffset CredentialSince,
    DateTimeOffset? LastSeenAt);

/// <summary>A device together with its secret S, decrypted. Never logged, never listed.</summary>
/// <param name="Device">The device.</param>
/// <param name="Secret">S, 32 bytes (section 2.1).</param>
public sealed record DeviceCredential(RegisteredDevice Device, ReadOnlyMemory<byte> Secret);

/// <summary>
/// A page of the registry for people (the console's fleet): the devices after <see cref="After"/> in id
/// order that match every filter given, at most <see cref="Limit"/> of them. Keyset paging (the next
/// page starts after the last id shown) keeps every page as fast as the first however large the fleet.
/// </summary>
/// <param name="After">The last id of the previous page; null for the first page.</param>
/// <param name="Limit">Most devices returned.</param>
/// <param name="IdPrefix">Only ids that start with this.</param>
/// <param name="Tenant">Only this tenant.</param>
/// <param name="Role">Only devices with this role.</param>
/// <param name="Enabled">Only enabled (true) or disabled (false) devices.</param>
public sealed record DevicePageQuery(string? After, int Limit, string? IdPrefix = null, string? Tenant = null, string? Role = null, bool? Enabled = null)
{
    /// <summary>Whether <paramref name="device"/> passes the filters (not the paging).</summary>
    public bool Matches(RegisteredDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return (IdPrefix == null || device.DeviceId.StartsWith(IdPrefix, StringComparison.Ordinal))
            && (Tenant == null || device.Tenant == Tenant)
            && (Role == null || device.Roles.Contains(Role))
            && (Enabled == null || device.Enabled == Enabled);
    }
}

/// <summary>How a registry change ended; maps to an HTTP status in the admin API.</summary>
public enum RegistryResult
{
    /// <summary>Done.</summary>
    Ok,

    /// <summary>No such device.</summary>
    NotFound,

    /// <summary>A device with that id exists already.</summary>
    Conflict,
}

/// <summary>
/// The device registry (SQLite by default, in the gateway's data folder). A PostgreSQL store
/// implements the same interface. Secrets are encrypted at rest (<see cref="Secrets.ISecretProtector"/>);
/// only <see cref="FindCredentialAsync"/> returns one decrypted, and only the add and rotate
/// operations return a new one, once. A deleted device leaves a tombstone (its id and last credential
/// generation, no secret) that every read treats as absent and that registering the id again
/// continues from (docs/admin-api.md).
/// </summary>
public interface IDeviceRegistry
{
    /// <summary>
    /// Adds a device with a fresh random secret; returns it with the secret, or null on
    /// <see cref="RegistryResult.Conflict"/>. Over the tombstone of a deleted device it registers the
    /// id again at the next credential generation, with the new tenant and roles.
    /// </summary>
    Task<DeviceCredential?> AddAsync(string deviceId, string tenant, IReadOnlyList<string> roles, CancellationToken cancellationToken);

    /// <summary>The device, or null.</summary>
    Task<RegisteredDevice?> FindAsync(string deviceId, CancellationToken cancellationToken);

    /// <summary>The device with its decrypted secret, or null. For the token endpoint and the ingress only.</summary>
    Task<DeviceCredential?> FindCredentialAsync(string deviceId, CancellationToken cancellationToken);

    /// <summary>All devices, ordered by id, without secrets.</summary>
    Task<IReadOnlyList<RegisteredDevice>> ListAsync(CancellationToken cancellationToken);

    /// <summary>
    /// One page of devices in id order, as <paramref name="query"/> says, without secrets. A store
    /// should answer with an indexed range query; this default filters <see cref="ListAsync"/>.
    /// </summary>
    async Task<IReadOnlyList<RegisteredDevice>> ListPageAsync(DevicePageQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var all = await ListAsync(cancellationToken).ConfigureAwait(false);
        return all.Where(d => (query.After == null || string.CompareOrdinal(d.DeviceId, query.After) > 0) && query.Matches(d)).Take(query.Limit).ToList();
    }

    /// <summary>The number of registered devices.</summary>
    async Task<long> CountAsync(CancellationToken cancellationToken) => (await ListAsync(cancellationToken).ConfigureAwait(false)).Count;

    /// <summary>
    /// The devices among <paramref name="deviceIds"/> that exist, without secrets, in no particular
    /// order: the periodic check of the gateway's cached records (docs/tokens.md, "Registry look-ups").
    /// A store should answer in a few queries, not one per id; this default asks one by one.
    /// </summary>
    async Task<IReadOnlyList<RegisteredDevice>> FindManyAsync(IReadOnlyCollection<string> deviceIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deviceIds);
        var devices = new List<RegisteredDevice>(deviceIds.Count);
        foreach (var deviceId in deviceIds)
        {
            if (await FindAsync(deviceId, cancellationToken).ConfigureAwait(false) is { } device)
            {
                devices.Add(device);
            }
        }

        return devices;
    }

    /// <summary>Enables or disables a device.</summary>
    Task<RegistryResult> SetEnabledAsync(string deviceId, bool enabled, CancellationToken cancellationToken);

    /// <summary>Replaces the secret and increments the credential generation; returns the new credential once, or null when not found.</summary>
    Task<DeviceCredential?> RotateSecretAsync(string deviceId, CancellationToken cancellationToken);

    /// <summary>
    /// Makes <paramref name="secret"/> the device's secret at the next credential generation, only if its
    /// generation is still <paramref name="expectedGeneration"/> (the over-the-air rotation's promotion,
    /// docs/protocol.md section 12.6): returns the new credential, or null when the device is gone or its
    /// credential changed meanwhile.
    /// </summary>
    Task<DeviceCredential?> ReplaceSecretAsync(string deviceId, ReadOnlyMemory<byte> secret, long expectedGeneration, CancellationToken cancellationToken) =>
        throw new NotSupportedException("This registry does not take a secret agreed over the air.");

    /// <summary>Deletes a device, keeping a tombstone of its id and last credential generation.</summary>
    Task<RegistryResult> DeleteAsync(string deviceId, CancellationToken cancellationToken);

    /// <summary>Records that the device was seen (token issued, session opened).</summary>
    Task TouchAsync(string deviceId, DateTimeOffset seenAt, CancellationToken cancellationToken);

    /// <summary>
    /// Raised with the device id after every change that invalidates its tokens or sessions: disabled,
    /// enabled, rotated, deleted, registered again.
    /// </summary>
    event EventHandler<string>? DeviceChanged;
}
