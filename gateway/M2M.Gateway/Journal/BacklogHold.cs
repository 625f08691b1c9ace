namespace M2M.Gateway.Journal;

/// <summary>
/// Ingest is held back, never dropped (docs/ingress.md, "Backlog"): while the slowest enabled sink
/// is <see cref="JournalOptions.MaxBacklog"/> records behind, the journal's writer takes nothing
/// new, so no PUBACK is sent; devices reach their Receive Maximum and stop sending (MQTT 5 section
/// 4.9) until the relay catches up. One hold per journal, shared by its writers (the embedded
/// journal's one writer thread, the cluster journal's per-device lanes), so the hold and the
/// resume are each logged once however many writers wait.
/// </summary>
public sealed partial class BacklogHold(ISinkPositions positions, long limit, ILogger logger)
{
    private int _holding;

    /// <summary>The bound (<see cref="JournalOptions.MaxBacklog"/>).</summary>
    public long Limit => limit;

    /// <summary>
    /// Completes at once while the backlog is below the bound; otherwise when it falls below it.
    /// False when <paramref name="stopping"/> ended the wait (the journal is stopping).
    /// </summary>
    public ValueTask<bool> WaitAsync(CancellationToken stopping) =>
        positions.Backlog < limit ? ValueTask.FromResult(true) : HoldAsync(stopping);

    private async ValueTask<bool> HoldAsync(CancellationToken stopping)
    {
        if (Interlocked.Exchange(ref _holding, 1) == 0)
        {
            LogHolding(positions.Backlog, limit);
        }

        try
        {
            await positions.WaitForBacklogBelowAsync(limit, stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return false;
        }

        if (Interlocked.Exchange(ref _holding, 0) == 1)
        {
            LogResumed(positions.Backlog);
        }

        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ingest held back: the slowest sink is {Backlog} records behind (Gateway:Journal:MaxBacklog {Limit}); no message is acknowledged until it catches up")]
    private partial void LogHolding(long backlog, long limit);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingest resumed: the backlog is down to {Backlog} records")]
    private partial void LogResumed(long backlog);
}
