using M2M.Gateway.Journal;

namespace M2M.Gateway.Relay;

/// <summary>
/// Stages "read" and "build" of the relay, shared by every sink: committed records are read (from
/// the journal's memory tail, or SQLite for a sink behind it) and built into a signed
/// <see cref="RelayBatch"/> once; each sink takes the events after its own position from the batches
/// kept here, so a record is built and signed once for every sink that is near the head. Batches
/// are kept until every enabled sink has passed them, at most <c>capacity</c> events. Every batch
/// is entered into the journal's ledger (positions and JWS) when built, and a batch needed again
/// (a sink far behind, a restart) is built again from the ledger: a record is signed in one batch
/// only, and its event is the same bytes every time it is delivered.
/// </summary>
public sealed class BatchWindow(IRelayJournal journal, RecordBatchBuilder builder, int batchSize, int capacity) : IDisposable
{
    private readonly SemaphoreSlim _building = new(1, 1);
    private readonly Lock _lock = new();
    private readonly List<RelayBatch> _batches = [];
    private readonly List<CommittedRecord> _records = new(batchSize);
    private int _events;

    /// <summary>
    /// The events after <paramref name="after"/>, oldest first, at most a batch; empty when the
    /// journal holds no committed record after it.
    /// </summary>
    public async ValueTask<ArraySegment<RelayEvent>> NextAsync(long after, CancellationToken cancellationToken)
    {
        if (TryFind(after, out var found, out _))
        {
            return found;
        }

        await _building.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another sink may have built it while this one waited.
            if (TryFind(after, out found, out var nextFirst))
            {
                return found;
            }

            var batch = Rebuild(after, ref nextFirst) ?? BuildNew(after, nextFirst);
            if (batch == null)
            {
                return ArraySegment<RelayEvent>.Empty;
            }

            Keep(batch);
            var index = 0;
            while (batch.Events[index].Position <= after)
            {
                index++;
            }

            return new ArraySegment<RelayEvent>(batch.Events, index, batch.Events.Length - index);
        }
        finally
        {
            _building.Release();
        }
    }

    public void Dispose() => _building.Dispose();

    /// <summary>
    /// The ledger's batch that holds the record after <paramref name="after"/>, built again from the
    /// same records with the JWS it had, so every event is the same bytes as when it was first
    /// delivered (a sink resuming after a crash repeats events the destination may hold, and a
    /// destination that drops identical entries, such as Loki, then drops them). Null when there
    /// is none, or when its records are no longer all in the journal (retention deleted the start
    /// of it): then <paramref name="nextFirst"/> is lowered to the ledger's next batch, if any.
    /// </summary>
    private RelayBatch? Rebuild(long after, ref long nextFirst)
    {
        if (journal.Ledger.Find(after) is not { } signed)
        {
            return null;
        }

        if (signed.First > after + 1)
        {
            nextFirst = Math.Min(nextFirst, signed.First);
            return null;
        }

        _records.Clear();
        journal.ReadCommittedAfter(signed.First - 1, (int)(signed.Last - signed.First + 1), _records);
        var whole = _records.Count == signed.Last - signed.First + 1 && _records[0].Position == signed.First && _records[^1].Position == signed.Last;
        var batch = whole ? builder.Build(_records, signed.Signature) : null;
        _records.Clear();
        if (batch == null)
        {
            // Signed anew below, from after + 1 to the end of this batch at most.
            nextFirst = Math.Min(nextFirst, signed.Last + 1);
        }

        return batch;
    }

    /// <summary>
    /// A new batch of the records after <paramref name="after"/>, up to <paramref name="nextFirst"/>
    /// so batches never overlap, entered into the ledger before any sink delivers it.
    /// </summary>
    private RelayBatch? BuildNew(long after, long nextFirst)
    {
        _records.Clear();
        journal.ReadCommittedAfter(after, (int)Math.Min(batchSize, nextFirst - after - 1), _records);
        if (_records.Count == 0)
        {
            return null;
        }

        var batch = builder.Build(_records);
        _records.Clear();
        _ = journal.Ledger.Keep(new SignedBatch(batch.First, batch.Last, batch.Signature));
        return batch;
    }

    private bool TryFind(long after, out ArraySegment<RelayEvent> events, out long nextFirst)
    {
        nextFirst = long.MaxValue;
        lock (_lock)
        {
            foreach (var batch in _batches)
            {
                if (batch.First <= after + 1 && batch.Last > after)
                {
                    // Positions are consecutive within a batch, but search rather than assume.
                    var index = 0;
                    while (batch.Events[index].Position <= after)
                    {
                        index++;
                    }

                    events = new ArraySegment<RelayEvent>(batch.Events, index, batch.Events.Length - index);
                    return true;
                }

                if (batch.First > after)
                {
                    nextFirst = Math.Min(nextFirst, batch.First);
                }
            }
        }

        events = default;
        return false;
    }

    private void Keep(RelayBatch batch)
    {
        var slowest = long.MaxValue;
        foreach (var sink in journal.Sinks)
        {
            slowest = Math.Min(slowest, sink.Position);
        }

        lock (_lock)
        {
            var at = 0;
            while (at < _batches.Count && _batches[at].First < batch.First)
            {
                at++;
            }

            _batches.Insert(at, batch);
            _events += batch.Events.Length;

            // Drop what every sink has passed, then the oldest while over capacity (a sink that far
            // behind builds its own batches from the tail or SQLite).
            for (var i = 0; i < _batches.Count;)
            {
                if (_batches[i].Last <= slowest || (_events > capacity && _batches[i] != batch))
                {
                    _events -= _batches[i].Events.Length;
                    _batches.RemoveAt(i);
                }
                else
                {
                    i++;
                }
            }
        }
    }
}
