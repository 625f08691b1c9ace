using M2M.Gateway.Journal;

namespace M2M.Gateway.Relay;

/// <summary>
/// Stages "read" and "build" of the relay, shared by every sink: committed records are read (from
/// the journal's memory tail, or SQLite for a sink behind it) and built into a signed
/// <see cref="RelayBatch"/> once; each sink takes the events after its own position from the batches
/// kept here, so a record is built and signed once for every sink that is near the head. Batches
/// are kept until every enabled sink has passed them, at most <c>capacity</c> events.
/// </summary>
public sealed class BatchWindow(TelemetryJournal journal, RecordBatchBuilder builder, int batchSize, int capacity) : IDisposable
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

            // Up to the next batch kept, so batches never overlap.
            var limit = (int)Math.Min(batchSize, nextFirst - after - 1);
            _records.Clear();
            journal.ReadCommittedAfter(after, limit, _records);
            if (_records.Count == 0)
            {
                return ArraySegment<RelayEvent>.Empty;
            }

            var batch = builder.Build(_records);
            _records.Clear();
            Keep(batch);
            return batch.Events;
        }
        finally
        {
            _building.Release();
        }
    }

    public void Dispose() => _building.Dispose();

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
