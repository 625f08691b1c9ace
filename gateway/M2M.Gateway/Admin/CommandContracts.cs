using M2M.Gateway.Commands;

namespace M2M.Gateway.Admin;

/// <summary>The body of <c>POST /admin/v1/devices/{id}/commands</c>.</summary>
/// <param name="Name">The command (1 to 32 of a-z, 0-9, '-').</param>
/// <param name="Arguments">Its arguments, names (1 to 32 of a-z, 0-9, '_') to string values; optional.</param>
/// <param name="TtlSeconds">How long it may wait for the device; optional (configuration <c>Commands:DefaultTimeToLive</c>).</param>
public sealed record QueueCommandRequest(string? Name, Dictionary<string, string>? Arguments, long? TtlSeconds);

/// <summary>A command and what became of it.</summary>
public sealed record CommandResponse(
    string DeviceId,
    long Sequence,
    string Name,
    IReadOnlyDictionary<string, string> Arguments,
    string Status,
    bool Completed,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    int Deliveries,
    DateTimeOffset? DeliveredAt,
    DateTimeOffset? CompletedAt,
    IReadOnlyDictionary<string, string>? Detail)
{
    public static CommandResponse From(CommandEntry entry) => new(
        entry.DeviceId,
        entry.Sequence,
        entry.Name,
        CommandArgumentText.Parse(entry.Arguments),
        entry.Status,
        entry.Completed,
        entry.CreatedAt,
        entry.ExpiresAt,
        entry.Deliveries,
        entry.DeliveredAt,
        entry.CompletedAt,
        entry.Detail == null ? null : CommandArgumentText.Parse(entry.Detail));
}

/// <summary>The optional body of <c>POST /admin/v1/devices/{id}/rotate</c>.</summary>
/// <param name="OverTheAir">True: agree the new secret with the device over the air (docs/protocol.md section 12) instead of returning one to provision.</param>
/// <param name="TimeoutSeconds">Over the air: how long the device has to use the new secret before the rotation is rolled back; optional (configuration <c>Gateway:Rotation:DefaultTimeout</c>).</param>
public sealed record RotateRequest(bool OverTheAir, long? TimeoutSeconds);

/// <summary>The body of <c>PUT /admin/v1/devices/{id}/rotation-schedule</c>.</summary>
/// <param name="EverySeconds">Rotate over the air this often (at least 60 s); null stops the periodic rotation.</param>
public sealed record RotationScheduleRequest(long? EverySeconds);

/// <summary>A device's periodic rotation.</summary>
public sealed record RotationScheduleResponse(string DeviceId, long? EverySeconds);

/// <summary>An over-the-air rotation and where it stands.</summary>
public sealed record RotationResponse(
    string DeviceId,
    long Sequence,
    string State,
    bool Finished,
    long BaseGeneration,
    DateTimeOffset StartedAt,
    DateTimeOffset Deadline,
    DateTimeOffset? FinishedAt,
    string? Reason,
    string Actor)
{
    public static RotationResponse From(M2M.Gateway.Rotation.RotationEntry entry) => new(
        entry.DeviceId, entry.Sequence, entry.State, entry.Finished, entry.BaseGeneration, entry.StartedAt, entry.Deadline, entry.FinishedAt, entry.Reason, entry.Actor);
}
