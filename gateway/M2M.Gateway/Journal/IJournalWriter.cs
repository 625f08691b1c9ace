namespace M2M.Gateway.Journal;

/// <summary>
/// The ingress's side of the journal (docs/ingress.md, "Journal"): where a verified message is
/// judged against its device's replay window (docs/protocol.md section 8) and, when new, made
/// durable before its PUBACK. Embedded mode: <see cref="TelemetryJournal"/> (SQLite); Cluster mode:
/// Cluster/ClusterJournal (a replicated JetStream stream). The relay's side (reading, sink positions,
/// dead letters, retention) is not part of this seam.
/// </summary>
public interface IJournalWriter
{
    /// <summary>
    /// Queues a verified message; its waiter learns the outcome (<see cref="IJournalWaiter.OnJournaled"/>),
    /// in the order of that waiter's appends, once it is judged and, when accepted, durable.
    /// </summary>
    ValueTask AppendAsync(JournalAppend append, CancellationToken cancellationToken);

    /// <summary>
    /// The durable replay mark of <paramref name="deviceId"/>'s newest credential generation that
    /// has one, or null before its first accepted message.
    /// </summary>
    ValueTask<ReplayMark?> ReadMarkAsync(string deviceId, CancellationToken cancellationToken);
}

/// <summary>Waiting for one append's outcome, for callers outside the MQTT path (and tests).</summary>
public static class JournalWriterExtensions
{
    /// <summary>Appends and waits for the outcome.</summary>
    public static async Task<JournalAppend> AppendAndWaitAsync(this IJournalWriter journal, JournalRecord record, byte[] signature, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(journal);
        var waiter = new CompletionWaiter();
        var append = new JournalAppend(record, signature, waiter);
        await journal.AppendAsync(append, cancellationToken).ConfigureAwait(false);
        await waiter.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return append;
    }

    /// <summary>Turns the journal's callback into a task.</summary>
    private sealed class CompletionWaiter : IJournalWaiter
    {
        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Accepting => true;

        public void OnJournaled(JournalAppend append) => Completion.TrySetResult();
    }
}
