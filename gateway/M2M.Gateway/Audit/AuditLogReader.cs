using System.Text;
using System.Text.Json;
using M2M.Gateway.Access;

namespace M2M.Gateway.Audit;

/// <summary>One line of the audit log and its position (its line number from 1 in <c>audit.jsonl</c>, its row id in Cluster mode).</summary>
/// <param name="Position">The position: the <c>after</c> of the next page.</param>
/// <param name="Event">The line's object, as written.</param>
public sealed record AuditEntry(long Position, JsonElement Event);

/// <summary>
/// Reads the audit log (<see cref="IAuditLogSource"/>: <c>audit.jsonl</c>, or the cluster's shared
/// table): a page at a time, oldest first, streaming it (it is never loaded whole), for the admin
/// API's <c>GET /admin/v1/audit</c>; or its newest lines, for the console.
/// </summary>
public sealed class AuditLogReader(IAuditLogSource source)
{
    /// <summary>How much of the log's end <see cref="ReadNewestAsync"/> reads (line bytes, newest first).</summary>
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
    /// first, from the last <see cref="NewestWindowBytes"/> of the log: a look at the latest events
    /// costs the same however long the log has grown (older ones stay in the log, the record).
    /// </summary>
    public async Task<IReadOnlyList<JsonElement>> ReadNewestAsync(int limit, Func<JsonElement, bool> include, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(include);
        var lines = new List<JsonElement>();
        long read = 0;
        await foreach (var raw in source.ReadNewestFirstAsync(cancellationToken).ConfigureAwait(false))
        {
            read += Encoding.UTF8.GetByteCount(raw) + 1;
            if (read > NewestWindowBytes)
            {
                break;
            }

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
    /// Up to <paramref name="limit"/> entries after position <paramref name="after"/> that
    /// <paramref name="include"/> keeps, and whether more may follow.
    /// </summary>
    public async Task<(IReadOnlyList<AuditEntry> Entries, bool More)> ReadAsync(long after, int limit, Func<JsonElement, bool> include, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(include);
        var entries = new List<AuditEntry>();
        await foreach (var (position, line) in source.ReadAfterAsync(after, cancellationToken).ConfigureAwait(false))
        {
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
