namespace M2M.Gateway.Journal;

/// <summary>
/// Where each enabled sink is in the journal (live and saved), the backlog that holds ingest back,
/// and retention, which depends on both (docs/ingress.md, "Relay", "Backlog", "Retention").
/// </summary>
public interface ISinkPositions
{
    /// <summary>
    /// Records the slowest enabled sink has not delivered yet (0 while no sink is enabled): the
    /// figure <see cref="JournalOptions.MaxBacklog"/> bounds. Reads only memory.
    /// </summary>
    long Backlog { get; }

    /// <summary>The live positions of the sinks this process delivers.</summary>
    IReadOnlyList<SinkProgress> Sinks { get; }

    /// <summary>Completes when <see cref="Backlog"/> is below <paramref name="limit"/>.</summary>
    ValueTask WaitForBacklogBelowAsync(long limit, CancellationToken cancellationToken);

    /// <summary>Starts the live view of an enabled sink at <paramref name="position"/>.</summary>
    SinkProgress TrackSink(string sink, long position);

    /// <summary>Stops the live view of a sink this process no longer delivers (its lease went elsewhere).</summary>
    void UntrackSink(string sink);

    /// <summary>Where a sink starts: its saved position, or just before the oldest record still kept when that is later.</summary>
    long StartPosition(string sink);

    /// <summary>Persists a sink's position: every record up to it was delivered or dead-lettered.</summary>
    void SetSinkPosition(string sink, long position);

    /// <summary>
    /// Retention: deletes the records every enabled sink has passed that are older than
    /// <see cref="JournalOptions.Retention"/>, never one some enabled sink has not passed. Returns how many.
    /// </summary>
    Task<long> PruneAsync(long nowMilliseconds, CancellationToken cancellationToken);
}
