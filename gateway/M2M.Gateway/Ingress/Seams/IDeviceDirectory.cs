namespace M2M.Gateway.Ingress.Seams;

/// <summary>What the ingress needs to know about one registered device.</summary>
/// <param name="DeviceId">The device id.</param>
/// <param name="Enabled">False once an operator disabled it.</param>
/// <param name="Tenant">Its tenant.</param>
/// <param name="Roles">Its roles.</param>
/// <param name="CredentialGeneration">
/// Increases at every secret rotation and when a deleted id is registered again, never restarts
/// (docs/protocol.md section 8); the gateway's own tokens name it in <c>m2m_gen</c> (section 4).
/// </param>
/// <param name="CredentialSince">
/// When the current secret came into force (registration or rotation): tokens of trusted external
/// issuers must be issued at or after it (docs/tokens.md, "Trusted issuers").
/// </param>
/// <param name="MessageKey">K_msg = HKDF(S, "m2m/v1/msg"), 32 bytes (section 2.2). Never logged.</param>
public sealed record DeviceRecord(
    string DeviceId,
    bool Enabled,
    string Tenant,
    IReadOnlyList<string> Roles,
    long CredentialGeneration,
    DateTimeOffset CredentialSince,
    ReadOnlyMemory<byte> MessageKey);

/// <summary>How a directory look-up ended.</summary>
public enum DeviceLookupStatus
{
    /// <summary>The device exists (it may be disabled).</summary>
    Found,

    /// <summary>No such device (never registered, or deleted).</summary>
    NotFound,

    /// <summary>The registry cannot answer now.</summary>
    Unavailable,
}

/// <summary>The result of <see cref="IDeviceDirectory.FindAsync"/>.</summary>
public sealed record DeviceLookup(DeviceLookupStatus Status, DeviceRecord? Device)
{
    /// <summary>A found device.</summary>
    public static DeviceLookup Found(DeviceRecord device) => new(DeviceLookupStatus.Found, device);

    /// <summary>No such device.</summary>
    public static readonly DeviceLookup NotFound = new(DeviceLookupStatus.NotFound, null);

    /// <summary>The registry cannot answer.</summary>
    public static readonly DeviceLookup Unavailable = new(DeviceLookupStatus.Unavailable, null);
}

/// <summary>
/// The device registry as the ingress sees it. Implemented by the identity part (issue #4, SQLite
/// registry). <see cref="DeviceChanged"/> lets live sessions be cut at once when a device is
/// disabled, deleted, registered again or rotated (docs/protocol.md section 7.1); the ingress also re-checks every
/// live session periodically (<c>Gateway:Mqtt:RevalidateInterval</c>), so an implementation that
/// cannot raise the event (e.g. a registry shared by several gateways) is still honoured within seconds.
/// </summary>
public interface IDeviceDirectory
{
    /// <summary>
    /// Looks up a device by id; never throws for an unknown id. The answer may come from a cache that
    /// the change event keeps current and that follows changes it cannot hear of (another process on
    /// the same registry) within <c>Gateway:Mqtt:RevalidateInterval</c>.
    /// </summary>
    ValueTask<DeviceLookup> FindAsync(string deviceId, CancellationToken cancellationToken);

    /// <summary>Looks up a device as the registry has it now, past any cache (in-band renewal, section 7.2).</summary>
    ValueTask<DeviceLookup> FindCurrentAsync(string deviceId, CancellationToken cancellationToken) => FindAsync(deviceId, cancellationToken);

    /// <summary>
    /// Brings every cached record in use up to the registry's current one, or drops it, so that the
    /// look-ups of the periodic revalidation that follows see a change no event announced (another
    /// process on the same registry): a live session ends within one interval of it. False when the
    /// registry could not be read (the cache is then left to expire on its own).
    /// </summary>
    ValueTask<bool> RevalidateCacheAsync(CancellationToken cancellationToken) => ValueTask.FromResult(true);

    /// <summary>Raised with the device id after a device was disabled, deleted, registered again, re-enabled or rotated.</summary>
    event EventHandler<string>? DeviceChanged;
}
