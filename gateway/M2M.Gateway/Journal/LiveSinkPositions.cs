namespace M2M.Gateway.Journal;

/// <summary>
/// The live positions of the sinks this process delivers (<see cref="SinkProgress"/>), and the wait
/// of the ingress's backpressure on them: shared by the embedded journal and the cluster's relay
/// journal, which differ only in where the last position and the other nodes' positions come from.
/// </summary>
public sealed class LiveSinkPositions
{
    private SinkProgress[] _sinks = [];
    private TaskCompletionSource? _progressed;

    /// <summary>The tracked sinks' live positions.</summary>
    public IReadOnlyList<SinkProgress> Sinks => Volatile.Read(ref _sinks);

    /// <summary>The slowest tracked sink's position, or null while none is tracked.</summary>
    public long? Slowest
    {
        get
        {
            var sinks = Volatile.Read(ref _sinks);
            if (sinks.Length == 0)
            {
                return null;
            }

            var slowest = long.MaxValue;
            foreach (var sink in sinks)
            {
                slowest = Math.Min(slowest, sink.Position);
            }

            return slowest;
        }
    }

    /// <summary>Starts (or restarts) the live view of <paramref name="sink"/> at <paramref name="position"/>.</summary>
    public SinkProgress Track(string sink, long position)
    {
        var progress = new SinkProgress(Signal, sink, position);
        SinkProgress[] current, updated;
        do
        {
            current = Volatile.Read(ref _sinks);
            updated = [.. current.Where(s => s.Sink != sink), progress];
        }
        while (Interlocked.CompareExchange(ref _sinks, updated, current) != current);

        Signal();
        return progress;
    }

    /// <summary>The live position of <paramref name="sink"/>, or null when this process does not track it.</summary>
    public long? PositionOf(string sink)
    {
        foreach (var progress in Volatile.Read(ref _sinks))
        {
            if (progress.Sink == sink)
            {
                return progress.Position;
            }
        }

        return null;
    }

    /// <summary>Stops tracking <paramref name="sink"/> (its lease went to another node).</summary>
    public void Untrack(string sink)
    {
        SinkProgress[] current, updated;
        do
        {
            current = Volatile.Read(ref _sinks);
            updated = [.. current.Where(s => s.Sink != sink)];
        }
        while (Interlocked.CompareExchange(ref _sinks, updated, current) != current);

        Signal();
    }

    /// <summary>Wakes whoever waits in <see cref="WaitUntilAsync"/> (a sink moved, or the figures it depends on changed).</summary>
    public void Signal() => Interlocked.Exchange(ref _progressed, null)?.TrySetResult();

    /// <summary>
    /// Completes when <paramref name="backlog"/> is below <paramref name="limit"/>: at once, without
    /// allocating, when it already is; otherwise when a signal brings it there.
    /// </summary>
    public ValueTask WaitUntilBelowAsync(Func<long> backlog, long limit, CancellationToken cancellationToken) =>
        backlog() < limit ? ValueTask.CompletedTask : WaitUntilAsync(backlog, limit, cancellationToken);

    private async ValueTask WaitUntilAsync(Func<long> backlog, long limit, CancellationToken cancellationToken)
    {
        while (true)
        {
            // Publish the signal before looking again, so a progress between the look and the
            // wait is not missed.
            var signal = Volatile.Read(ref _progressed);
            if (signal == null)
            {
                var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                signal = Interlocked.CompareExchange(ref _progressed, created, null) ?? created;
            }

            if (backlog() < limit)
            {
                return;
            }

            await signal.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
