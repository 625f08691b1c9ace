using System.Text;
using System.Text.Json;
using M2M.Gateway.Audit;
using M2M.Gateway.Hosting;

namespace M2M.Gateway.OperatorConsole.Audit;

/// <summary>One line of the audit log as written by <see cref="JsonLinesAuditLog"/>.</summary>
public sealed record AuditLine(DateTimeOffset Time, string Action, string Actor, string? DeviceId, string Outcome, string? RemoteAddress, string? Target);

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

/// <summary>
/// Reads the newest lines of <c>audit.jsonl</c> (newest first) for the console: the last
/// <see cref="WindowBytes"/> of the file, so a page costs the same however long the log has grown.
/// Older events are in the file, which stays the record (ship it to a log store to search it all).
/// </summary>
public sealed class AuditTail(DataDirectory dataDirectory)
{
    /// <summary>How much of the file's end is read.</summary>
    public const int WindowBytes = 4 * 1024 * 1024;

    /// <summary>Up to <paramref name="limit"/> of the newest lines that match <paramref name="filter"/>, newest first.</summary>
    public async Task<IReadOnlyList<AuditLine>> ReadAsync(AuditFilter filter, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var path = dataDirectory.Combine(JsonLinesAuditLog.FileName);
        if (!File.Exists(path))
        {
            return [];
        }

        string text;
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        await using (stream.ConfigureAwait(false))
        {
            var start = Math.Max(0, stream.Length - WindowBytes);
            stream.Seek(start, SeekOrigin.Begin);
            var buffer = new byte[stream.Length - start];
            await stream.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);
            text = Encoding.UTF8.GetString(buffer);
            if (start > 0)
            {
                // The window began inside a line: drop that partial line.
                text = text[(text.IndexOf('\n', StringComparison.Ordinal) + 1)..];
            }
        }

        var lines = new List<AuditLine>();
        foreach (var raw in text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Reverse())
        {
            if (Parse(raw) is { } line && filter.Matches(line))
            {
                lines.Add(line);
                if (lines.Count == limit)
                {
                    break;
                }
            }
        }

        return lines;
    }

    private static AuditLine? Parse(string raw)
    {
        try
        {
            using var document = JsonDocument.Parse(raw);
            var root = document.RootElement;
            return new AuditLine(
                root.GetProperty("time").GetDateTimeOffset(),
                root.GetProperty("action").GetString() ?? string.Empty,
                root.GetProperty("actor").GetString() ?? string.Empty,
                Text(root, "deviceId"),
                root.GetProperty("outcome").GetString() ?? string.Empty,
                Text(root, "remoteAddress"),
                Text(root, "target"));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            // A line cut by a crash mid-write: skipped, the others are shown.
            return null;
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
