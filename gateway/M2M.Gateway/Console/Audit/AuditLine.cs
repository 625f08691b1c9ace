using System.Text.Json;

namespace M2M.Gateway.OperatorConsole.Audit;

/// <summary>One line of the audit log as the console shows it (written by <see cref="M2M.Gateway.Audit.JsonLinesAuditLog"/>).</summary>
public sealed record AuditLine(DateTimeOffset Time, string Action, string Actor, string? DeviceId, string Outcome, string? RemoteAddress, string? Target)
{
    /// <summary>The line's fields, or null when a field the log always writes is missing or malformed.</summary>
    public static AuditLine? From(JsonElement line)
    {
        try
        {
            return new AuditLine(
                line.GetProperty("time").GetDateTimeOffset(),
                line.GetProperty("action").GetString() ?? string.Empty,
                line.GetProperty("actor").GetString() ?? string.Empty,
                Text(line, "deviceId"),
                line.GetProperty("outcome").GetString() ?? string.Empty,
                Text(line, "remoteAddress"),
                Text(line, "target"));
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement line, string name) =>
        line.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>What to show of the audit log: each filter given must match exactly (the action may be a prefix, such as <c>device.</c>).</summary>
public sealed record AuditFilter(string? Action, string? Actor, string? DeviceId, string? Outcome)
{
    public bool Matches(AuditLine line)
    {
        ArgumentNullException.ThrowIfNull(line);
        return (Action == null || line.Action.StartsWith(Action, StringComparison.Ordinal))
            && (Actor == null || line.Actor == Actor)
            && (DeviceId == null || line.DeviceId == DeviceId)
            && (Outcome == null || line.Outcome == Outcome);
    }
}
