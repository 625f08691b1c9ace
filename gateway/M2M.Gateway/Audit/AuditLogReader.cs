using System.Text.Json;
using M2M.Gateway.Hosting;

namespace M2M.Gateway.Audit;

/// <summary>One line of the audit log and its position (its line number, from 1).</summary>
/// <param name="Position">The line number: the <c>after</c> of the next page.</param>
/// <param name="Event">The line's object, as written.</param>
public sealed record AuditEntry(long Position, JsonElement Event);

/// <summary>
/// Reads <c>audit.jsonl</c> a page at a time, oldest first, streaming the file (it is never loaded
/// whole): the admin API's <c>GET /admin/v1/audit</c>.
/// </summary>
public sealed class AuditLogReader(DataDirectory dataDirectory)
{
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

                JsonElement entry;
                try
                {
                    using var document = JsonDocument.Parse(line);
                    entry = document.RootElement.Clone();
                }
                catch (JsonException)
                {
                    // A line cut by a crash mid-write: the lines after it are whole.
                    continue;
                }

                if (!include(entry))
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
}
