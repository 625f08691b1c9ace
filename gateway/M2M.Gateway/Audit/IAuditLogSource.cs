namespace M2M.Gateway.Audit;

/// <summary>
/// Where the audit log's lines are read from: <c>audit.jsonl</c> (<see cref="JsonLinesAuditFile"/>)
/// or, in Cluster mode, the shared PostgreSQL table (<see cref="PostgresAuditLog"/>). It only yields
/// raw lines in order; <see cref="AuditLogReader"/> parses, filters and pages them, once for both.
/// </summary>
public interface IAuditLogSource
{
    /// <summary>The lines after position <paramref name="after"/>, oldest first, each with its position (increasing, maybe with gaps).</summary>
    IAsyncEnumerable<(long Position, string Line)> ReadAfterAsync(long after, CancellationToken cancellationToken);

    /// <summary>The lines newest first; the reader stops when it has read enough.</summary>
    IAsyncEnumerable<string> ReadNewestFirstAsync(CancellationToken cancellationToken);
}
