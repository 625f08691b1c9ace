namespace M2M.Gateway.Rotation;

/// <summary>One over-the-air rotation of a device's secret and where it stands (docs/admin-api.md, "Over-the-air rotation").</summary>
/// <param name="DeviceId">The device.</param>
/// <param name="Sequence">The sequence number of its <c>rotate-secret</c> command (docs/protocol.md section 12.2).</param>
/// <param name="State">One of <see cref="RotationState"/>.</param>
/// <param name="BaseGeneration">The credential generation of the secret S the exchange is bound to.</param>
/// <param name="StartedAt">When it was started.</param>
/// <param name="Deadline">When it is rolled back if not completed.</param>
/// <param name="FinishedAt">When it completed, failed or was rolled back.</param>
/// <param name="Reason">Why it failed or was rolled back (a stable code), null otherwise.</param>
/// <param name="Actor">Who started it: an API key id, or <c>schedule</c> for a periodic rotation.</param>
public sealed record RotationEntry(
    string DeviceId,
    long Sequence,
    string State,
    long BaseGeneration,
    DateTimeOffset StartedAt,
    DateTimeOffset Deadline,
    DateTimeOffset? FinishedAt,
    string? Reason,
    string Actor)
{
    /// <summary>True once completed, failed or rolled back.</summary>
    public bool Finished => State is RotationState.Completed or RotationState.Failed or RotationState.RolledBack;
}

/// <summary>The states of a rotation (docs/protocol.md section 12.6).</summary>
public static class RotationState
{
    /// <summary>The command is queued or sent; the device has not answered.</summary>
    public const string Offered = "offered";

    /// <summary>The device's proof verified: S' is pending, S still current.</summary>
    public const string Proved = "proved";

    /// <summary>The device used S': S' is current, S refused.</summary>
    public const string Completed = "completed";

    /// <summary>The device refused, or its answer did not verify: S stays.</summary>
    public const string Failed = "failed";

    /// <summary>The deadline passed before the device used S': S stays.</summary>
    public const string RolledBack = "rolled_back";
}
