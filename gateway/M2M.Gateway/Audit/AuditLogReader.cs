using System.Text;
using System.Text.Json;
using M2M.Gateway.Access;
using M2M.Gateway.Hosting;

namespace M2M.Gateway.Audit;

/// <summary>One line of the audit log and its position (its line number, from 1).</summary>
/// <param name="Position">The line number: the <c>after</c> of the next page.</param>
/// <param name="Event">The line's object, as written.</param>
public sealed record AuditEntry(long Position, JsonElement Event);

/// <summary>
/// Reads <c>audit.jsonl</c>: a page at a time, oldest first, streaming the file (it is never loaded
/// whole), for the admin API's <c>GET /admin/v1/audit</c>; or its newest lines, for the console.
/// </summary>
public sealed class AuditLogReader(DataDirectory dataDirectory)
{
    /// <summary>How much of the file's end <see cref="ReadNewestAsync"/> reads.</summary>
    public const int NewestWindowBytes = 4 * 1024 * 1024;

    /// <summary>
    /// The lines <paramref name="principal"/> may read (docs/admin-api.md, "Audit log"): every line for a
    /// global principal; for a tenant-scoped one, those whose <c>tenant</c> is its own.
    /// </summary>
    public static Func<JsonElement, bool> VisibleTo(AccessPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return line => principal.IsGlobal
            || (line.TryGetProperty("tenant", out var tenant) && tenant.ValueKind == JsonValueKind.String && principal.Sees(tenant.GetString()));
    }

    /// <summary>
    /// Up to <paramref name="limit"/> of the newest lines that <paramref name="include"/> keeps, newest
    /// first, from the last <see cref="NewestWindowBytes"/> of the file: a look at the latest events
    /// costs the same however long the log has grown (older ones stay in the file, the record).
    /// </summary>
    public async Task<IReadOnlyList<JsonElement>> ReadNewestAsync(int limit, Func<JsonElement, bool> include, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(include);
        var path = dataDirectory.Combine(JsonLinesAuditLog.FileName);
        if (!File.Exists(path))
        {
            return [];
        }

        string text;
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        await using (stream.ConfigureAwait(false))
        {
            var start = Math.Max(0, stream.Length - NewestWindowBytes);
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

        var lines = new List<JsonElement>();
        foreach (var raw in text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Reverse())
        {
            if (Parse(raw) is { } line && include(line))
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

    /// <summary>
    /// Up to <paramref name="limit"/> entries after line <paramref name="after"/> that
    /// <paramref name="include"/> keeps, and whether more may follow.
    /// </summary>
    public async Task<(IReadOnlyList<AuditEntry> Entries, bool More)> ReadAsync(long after, int limit, Func<JsonElement, bool> include, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(include);
        var path = dataDirectory.Combine(JsonLinesAuditLog.FileName);
        var entries = new List<AuditEntry>();
        if (!File.Exists(path))
        {
            return (entries, false);
        }

        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        await using (stream.ConfigureAwait(false))
        {
            using var reader = new StreamReader(stream);
            long position = 0;
            while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                position++;
                if (position <= after || line.Length == 0)
                {
                    continue;
                }

                if (Parse(line) is not { } entry || !include(entry))
                {
                    continue;
                }

                if (entries.Count == limit)
                {
                    return (entries, true);
                }

                entries.Add(new AuditEntry(position, entry));
            }
        }

        return (entries, false);
    }

    /// <summary>A line's object, or null for a line cut by a crash mid-write (the lines after it are whole).</summary>
    private static JsonElement? Parse(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
