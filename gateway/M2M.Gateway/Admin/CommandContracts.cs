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
