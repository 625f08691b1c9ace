namespace M2M.Gateway.Journal;

/// <summary>
/// The events sinks gave up on (docs/sinks.md, "Delivery"), kept until an operator redelivers them:
/// in journal.db embedded, in PostgreSQL in Cluster mode.
/// </summary>
public interface IDeadLetterStore
{
    /// <summary>Brings the store's tables to this version; run by the relay before it reads them.</summary>
    void MigrateRelayTables();

    /// <summary>Keeps an event a sink gave up on, once per sink and position; false when it was kept already.</summary>
    bool AddDeadLetter(string sink, long position, int attempts, string lastError, long failedAt, string eventJson);

    /// <summary>How many dead letters a sink has.</summary>
    long CountDeadLetters(string sink);

    /// <summary>A sink's dead letters with an id above <paramref name="afterId"/>, oldest first, at most <paramref name="limit"/>.</summary>
    IReadOnlyList<DeadLetter> ReadDeadLetters(string sink, long afterId = 0, int limit = int.MaxValue, bool queuedOnly = false);

    /// <summary>Queues a sink's dead letters (those in <paramref name="ids"/>, or all) for redelivery; returns the ids queued.</summary>
    IReadOnlyList<long> QueueRedelivery(string sink, IReadOnlyCollection<long>? ids);

    /// <summary>Removes dead letters that were redelivered.</summary>
    void RemoveDeadLetters(IReadOnlyList<long> ids);

    /// <summary>A redelivery failed again: the letter stays, no longer queued, with its new error.</summary>
    void FailDeadLetter(long id, int attempts, string lastError, long failedAt);
}
