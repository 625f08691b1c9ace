using System.Text.Json;
using M2M.Gateway.Journal;
using M2M.Gateway.Relay;

namespace M2M.Gateway.Consumer;

/// <summary>A page of a tenant's relayed records.</summary>
/// <param name="Records">The records as the relay's CloudEvents, signed as one batch.</param>
/// <param name="ScannedTo">Every journal record up to this position was considered: where the next read starts.</param>
public sealed record TenantPage(IReadOnlyList<RelayEvent> Records, long ScannedTo);

/// <summary>
/// Reads one tenant's records from the journal and turns them into the very CloudEvents the relay's
/// sinks deliver (docs/ingress.md, "Relayed records"), with the relay's own
/// <see cref="RecordBatchBuilder"/>: each page is one signed batch, so a consumer verifies a record
/// exactly as it verifies one a sink delivered (docs/ingress.md, "Verifying a record").
/// </summary>
public sealed class TenantRecords(IJournalReader journal, IServiceProvider services, TimeProvider time)
{
    /// <summary>
    /// Up to <paramref name="limit"/> records of <paramref name="tenant"/> after journal position
    /// <paramref name="after"/>, with a gateway time in [<paramref name="since"/>, <paramref name="until"/>) when given, oldest first.
    /// </summary>
    public TenantPage Read(string tenant, long after, DateTimeOffset? since, DateTimeOffset? until, int limit)
    {
        // Taken before the read: every record up to it is committed and visible to the query.
        var last = journal.LastPosition;
        var records = journal.ReadTenantAfter(tenant, after, since?.ToUnixTimeMilliseconds(), until?.ToUnixTimeMilliseconds(), limit);
        // A short page considered everything up to the journal's end as it was before the read, and
        // perhaps records committed during it (never beyond its own last record: positions are
        // committed in order, so nothing before a visible record is missing).
        var scannedTo = records.Count == limit ? records[^1].Position : Math.Max(Math.Max(after, last), records.Count > 0 ? records[^1].Position : 0);
        if (records.Count == 0)
        {
            return new TenantPage([], scannedTo);
        }

        // The relay's signer is the key ring; without it (no signing keys) nothing can be signed.
        var signer = services.GetRequiredService<IRecordSigner>();
        using var builder = new RecordBatchBuilder(signer, time);
        var batch = builder.Build([.. records.Select(r => new CommittedRecord(r.Position, r))]);
        return new TenantPage(batch.Events, scannedTo);
    }

    /// <summary>An event's JSON as an element, to embed in a page.</summary>
    public static JsonElement Element(RelayEvent record)
    {
        using var document = JsonDocument.Parse(record.Json);
        return document.RootElement.Clone();
    }
}
