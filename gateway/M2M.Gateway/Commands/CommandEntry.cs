namespace M2M.Gateway.Commands;

/// <summary>
/// One command queued for a device and what became of it (docs/admin-api.md, "Commands").
/// </summary>
/// <param name="DeviceId">The device.</param>
/// <param name="Sequence">Its per-device sequence number: 1 for a device's first command, never reused (docs/protocol.md section 11.4).</param>
/// <param name="Name">The command's name.</param>
/// <param name="Arguments">Its argument text (<c>key=value</c> lines).</param>
/// <param name="CreatedAt">When it was queued.</param>
/// <param name="ExpiresAt">After this the device must not run it, and the gateway stops sending it.</param>
/// <param name="Status">
/// <see cref="CommandStatus.Queued"/>, <see cref="CommandStatus.Delivered"/> (sent, no answer yet),
/// <see cref="CommandStatus.Expired"/> (no answer before its expiry), or the status the device answered.
/// </param>
/// <param name="Deliveries">How many times it was sent (once per session until answered).</param>
/// <param name="DeliveredAt">When it was last sent.</param>
/// <param name="CompletedAt">When the device's answer was recorded, or it expired.</param>
/// <param name="Detail">The device's detail text, when it answered.</param>
public sealed record CommandEntry(
    string DeviceId,
    long Sequence,
    string Name,
    string Arguments,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    string Status,
    int Deliveries,
    DateTimeOffset? DeliveredAt,
    DateTimeOffset? CompletedAt,
    string? Detail)
{
    /// <summary>True once the device answered or the command expired unanswered.</summary>
    public bool Completed => Status is not (CommandStatus.Queued or CommandStatus.Delivered);
}

/// <summary>The gateway's own command statuses; any other is the device's answer (docs/protocol.md section 11.3).</summary>
public static class CommandStatus
{
    public const string Queued = "queued";
    public const string Delivered = "delivered";
    public const string Expired = "expired";
}
