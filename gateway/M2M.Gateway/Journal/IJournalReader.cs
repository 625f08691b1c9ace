namespace M2M.Gateway.Journal;

/// <summary>
/// The journal as its readers see it (the relay, the consumer API, sink status): positions and
/// committed records in journal order. <see cref="TelemetryJournal"/> is the embedded one (SQLite);
/// Cluster/StreamJournalReader reads the cluster's JetStream journal stream.
/// </summary>
public interface IJournalReader
{
    /// <summary>The position of the newest record.</summary>
    long LastPosition { get; }

    /// <summary>Completes when a record after <paramref name="position"/> exists (or at once if one does).</summary>
    Task WaitForRecordsAfterAsync(long position, CancellationToken cancellationToken);

    /// <summary>
    /// Adds to <paramref name="destination"/> up to <paramref name="max"/> committed records after
    /// <paramref name="after"/>, oldest first. Returns true when they came from memory.
    /// </summary>
    bool ReadCommittedAfter(long after, int max, List<CommittedRecord> destination);

    /// <summary>
    /// Up to <paramref name="max"/> records of <paramref name="tenant"/> after <paramref name="position"/>,
    /// with a gateway time (Unix milliseconds) in [<paramref name="sinceMs"/>, <paramref name="untilMs"/>)
    /// when given, oldest first: the consumer API's read (docs/admin-api.md, "Consumer API").
    /// </summary>
    IReadOnlyList<JournalRecord> ReadTenantAfter(string tenant, long position, long? sinceMs, long? untilMs, int max);
}
