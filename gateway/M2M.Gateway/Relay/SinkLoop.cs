using System.Text;
using M2M.Gateway.Journal;
using M2M.Gateway.Metrics;

namespace M2M.Gateway.Relay;

/// <summary>
/// One sink's delivery loop, supervised: it delivers the journal in order from the sink's position
/// (stage "deliver"), flushes after each batch and reports the new position to the journal (stage
/// "record progress"), saving it to SQLite every <see cref="RelayOptions.PositionSaveInterval"/>.
/// A record that fails is retried with backoff and dead-lettered after
/// <see cref="RelayOptions.MaxAttempts"/>; any other failure (I/O such as ENOSPC, SQLite, a bug)
/// never ends the loop: the sink is closed, recovered after a backoff and resumes from its last
/// durable position, forever, while /health says Degraded and names it.
/// </summary>
internal sealed partial class SinkLoop(
    IRecordSink sink,
    SinkStatus status,
    BatchWindow window,
    IRelayJournal journal,
    RelayOptions options,
    TimeProvider time,
    GatewayMetrics metrics,
    ILogger logger)
{
    private int _failures;

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RecoverAsync(stoppingToken).ConfigureAwait(false);
                await DeliverAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                _failures++;
                var kind = FailureKind.Of(exception);
                status.Enter(SinkState.Failing, kind);
                status.EndWork();
                metrics.SinkFailed(sink.Name, FailureKind.Reason(exception));
                var delay = options.Backoff(_failures);
                LogSinkFailed(exception.GetType(), sink.Name, kind, _failures, delay);
                await CloseAsync().ConfigureAwait(false);
                try
                {
                    await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        await StopAsync().ConfigureAwait(false);
    }

    private async Task RecoverAsync(CancellationToken stoppingToken)
    {
        status.Enter(SinkState.Starting);
        status.BeginWork();
        var progress = status.Progress;
        if (progress == null)
        {
            var start = journal.StartPosition(sink.Name);
            status.SavedPosition = start;
            status.SetDeadLetters(journal.CountDeadLetters(sink.Name));
            progress = status.Progress = journal.TrackSink(sink.Name, start);
            if (journal.ReadDeadLetters(sink.Name, 0, 1, queuedOnly: true).Count > 0)
            {
                // Queued before a restart: redelivered as if just asked for.
                status.RequestRedelivery();
            }
        }

        // The destination may show more than the journal knows (delivered, not yet saved): resume
        // after it, so nothing it holds is delivered twice.
        var recovered = await sink.RecoverPositionAsync(stoppingToken).ConfigureAwait(false);
        progress.Report(recovered);
        status.EndWork();
        status.Enter(SinkState.Delivering);
        if (_failures > 0)
        {
            LogRecovered(sink.Name, progress.Position, _failures);
        }
    }

    private async Task DeliverAsync(CancellationToken stoppingToken)
    {
        var progress = status.Progress!;
        var saveDue = time.GetTimestamp();
        while (true)
        {
            if (status.TakeRedeliveryRequest())
            {
                await RedeliverAsync(stoppingToken).ConfigureAwait(false);
            }

            var position = progress.Position;
            if (journal.LastPosition <= position)
            {
                // Idle: the position is saved once the interval is up, so a quiet gateway's restart
                // repeats nothing, and a trickle of records does not write it after each one.
                var untilSave = TimeSpan.FromSeconds((saveDue - time.GetTimestamp()) / (double)time.TimestampFrequency);
                if (position != status.SavedPosition && untilSave <= TimeSpan.Zero)
                {
                    Save(position);
                    saveDue = NextSave();
                }

                await WaitAsync(position, position != status.SavedPosition ? untilSave : Timeout.InfiniteTimeSpan, stoppingToken).ConfigureAwait(false);
                continue;
            }

            var events = await window.NextAsync(position, stoppingToken).ConfigureAwait(false);
            if (events.Count == 0)
            {
                throw new InvalidOperationException($"The journal shows records up to {journal.LastPosition} but none after {position}.");
            }

            status.BeginWork();
            var deadLettered = 0;
            foreach (var relayEvent in events)
            {
                if (!await DeliverWithRetryAsync(relayEvent, stoppingToken).ConfigureAwait(false))
                {
                    deadLettered++;
                    if (journal.AddDeadLetter(sink.Name, relayEvent.Position, options.MaxAttempts, status.Current.LastError ?? "unknown",
                        time.GetUtcNow().ToUnixTimeMilliseconds(), Encoding.UTF8.GetString(relayEvent.Json.Span)))
                    {
                        status.AddDeadLetters(1);
                        metrics.DeadLettered(sink.Name);
                        LogDeadLettered(sink.Name, relayEvent.Position, options.MaxAttempts);
                    }
                }
            }

            await sink.FlushAsync(stoppingToken).ConfigureAwait(false);
            progress.Report(events[^1].Position);
            metrics.Delivered(sink.Name, events.Count - deadLettered);
            status.EndWork();
            status.Enter(SinkState.Delivering);
            _failures = 0;
            if (time.GetTimestamp() >= saveDue)
            {
                Save(progress.Position);
                saveDue = NextSave();
            }
        }
    }

    /// <summary>Delivers one event, retrying with backoff; false once <see cref="RelayOptions.MaxAttempts"/> failed.</summary>
    private async Task<bool> DeliverWithRetryAsync(RelayEvent relayEvent, CancellationToken stoppingToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await sink.DeliverAsync(relayEvent, stoppingToken).ConfigureAwait(false);
                if (attempt > 1)
                {
                    status.Enter(SinkState.Delivering);
                }

                return true;
            }
            catch (SinkDeliveryException exception)
            {
                metrics.DeliveryFailed(sink.Name, exception.Message);
                status.Enter(SinkState.Retrying, exception.Message);
                if (attempt >= options.MaxAttempts)
                {
                    return false;
                }

                metrics.Retried(sink.Name);

                var delay = options.Backoff(attempt);
                LogRetrying(sink.Name, relayEvent.Position, attempt, delay, exception.Message);
                await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Delivers the dead letters an operator queued, each with the usual retries; a delivered one
    /// leaves the dead letters once flushed, one that fails again stays (no longer queued).
    /// </summary>
    private async Task RedeliverAsync(CancellationToken stoppingToken)
    {
        while (true)
        {
            var letters = journal.ReadDeadLetters(sink.Name, 0, options.BatchSize, queuedOnly: true);
            if (letters.Count == 0)
            {
                return;
            }

            status.BeginWork();
            var delivered = new List<long>(letters.Count);
            foreach (var letter in letters)
            {
                if (await DeliverWithRetryAsync(new RelayEvent(letter.Position, Encoding.UTF8.GetBytes(letter.Event)), stoppingToken).ConfigureAwait(false))
                {
                    delivered.Add(letter.Id);
                }
                else
                {
                    journal.FailDeadLetter(letter.Id, letter.Attempts + options.MaxAttempts, status.Current.LastError ?? "unknown", time.GetUtcNow().ToUnixTimeMilliseconds());
                    status.Enter(SinkState.Delivering);
                }
            }

            await sink.FlushAsync(stoppingToken).ConfigureAwait(false);
            journal.RemoveDeadLetters(delivered);
            status.AddDeadLetters(-delivered.Count);
            status.EndWork();
            metrics.Redelivered(sink.Name, delivered.Count);
            LogRedelivered(sink.Name, delivered.Count, letters.Count - delivered.Count);
        }
    }

    /// <summary>Waits for a record after <paramref name="position"/>, a redelivery request, or <paramref name="timeout"/>.</summary>
    private async Task WaitAsync(long position, TimeSpan timeout, CancellationToken stoppingToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var records = journal.WaitForRecordsAfterAsync(position, wait.Token);
        if (!records.IsCompleted)
        {
            var timer = timeout == Timeout.InfiniteTimeSpan ? Task.Delay(Timeout.Infinite, wait.Token) : Task.Delay(timeout, time, wait.Token);
            await Task.WhenAny(records, status.RedeliveryRequested, timer).ConfigureAwait(false);
            await wait.CancelAsync().ConfigureAwait(false);
        }

        stoppingToken.ThrowIfCancellationRequested();
    }

    private long NextSave() => time.GetTimestamp() + (long)(options.PositionSaveInterval.TotalSeconds * time.TimestampFrequency);

    private void Save(long position)
    {
        if (position != status.SavedPosition)
        {
            journal.SetSinkPosition(sink.Name, position);
            status.SavedPosition = position;
        }
    }

    private async Task StopAsync()
    {
        try
        {
            if (status.Progress != null)
            {
                Save(status.Progress.Position);
            }
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogSaveFailed(sink.Name, FailureKind.Of(exception));
        }

        await CloseAsync().ConfigureAwait(false);
    }

    private async Task CloseAsync()
    {
        try
        {
            await sink.CloseAsync().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Closing a failed destination may fail again (a buffered write to a full disk): the
            // next recovery opens it afresh.
            LogCloseFailed(sink.Name, FailureKind.Of(exception));
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Sink {Sink} failed ({Error}), failure {Failures} in a row; it recovers in {Delay} and resumes from its last durable position (exception type {Type})")]
    private partial void LogSinkFailed(Type type, string sink, string error, int failures, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sink {Sink} recovered after {Failures} failures; it resumes after position {Position}")]
    private partial void LogRecovered(string sink, long position, int failures);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sink {Sink}: record {Position} failed (attempt {Attempt}, {Error}); retrying in {Delay}")]
    private partial void LogRetrying(string sink, long position, int attempt, TimeSpan delay, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Sink {Sink}: record {Position} dead-lettered after {Attempts} attempts")]
    private partial void LogDeadLettered(string sink, long position, int attempts);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sink {Sink}: {Delivered} dead letters redelivered, {Failed} failed again")]
    private partial void LogRedelivered(string sink, int delivered, int failed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sink {Sink}: its position could not be saved at stop ({Error}); a restart may repeat records")]
    private partial void LogSaveFailed(string sink, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sink {Sink}: closing it after a failure failed too ({Error}); its recovery opens it afresh")]
    private partial void LogCloseFailed(string sink, string error);
}
