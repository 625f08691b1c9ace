using M2M.Gateway.Journal;
using M2M.Gateway.Metrics;
using Microsoft.Extensions.Options;

namespace M2M.Gateway.Relay;

/// <summary>
/// Delivers the journal to every configured sink (docs/ingress.md, "Relay"): one supervised
/// <see cref="SinkLoop"/> per sink, each from its own position, in journal order, at least once,
/// all taking their signed events from one <see cref="BatchWindow"/>. Journal retention runs here
/// too, as it depends on the sinks' positions. Nothing here ends the host: every failure is
/// retried, and /health and /metrics say which sink is failing.
/// </summary>
public sealed partial class RelayService(
    IServiceProvider services,
    IRelayJournal journal,
    ISinkLeases leases,
    RelayStatus status,
    IOptions<RelayOptions> relayOptions,
    IOptions<JournalOptions> journalOptions,
    IConfiguration configuration,
    TimeProvider time,
    GatewayMetrics metrics,
    IHostApplicationLifetime lifetime,
    ILogger<RelayService> logger) : BackgroundService
{
    private readonly RelayOptions _options = relayOptions.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var signer = services.GetService<IRecordSigner>();
        if (signer == null)
        {
            LogDisabled();
            return;
        }

        if (configuration[JournalOptions.Section + ":MaxRecords"] != null)
        {
            LogMaxRecordsIgnored();
        }

        RegisterMetrics();

        // Deliver once the host has started: the signer (key ring, issuer) and the sinks' settings are ready.
        await WhenStartedAsync(stoppingToken).ConfigureAwait(false);
        await SuperviseAsync("migrate the relay's tables", journal.MigrateRelayTables, stoppingToken).ConfigureAwait(false);

        var sinks = CreateSinks();
        using var builder = new RecordBatchBuilder(signer, time);
        using var window = new BatchWindow(journal, builder, _options.BatchSize, Math.Max(_options.BatchSize, journalOptions.Value.TailRecords));
        var loops = new List<Task>();
        foreach (var sink in sinks)
        {
            var entry = status.Add(sink.Name);
            loops.Add(Task.Run(() => DeliverWhileLeasedAsync(sink, entry, window, stoppingToken), CancellationToken.None));
        }

        loops.Add(RetainAsync(stoppingToken));
        await Task.WhenAll(loops).ConfigureAwait(false);
    }

    /// <summary>
    /// Stage "take the lease": a sink is delivered only by the process holding its lease (always this
    /// one when embedded). Without it the sink waits on standby, showing the holder, and tries again
    /// every <see cref="ISinkLeases.RetryInterval"/>, so it takes over the sink of a node that died.
    /// With it, the sink's loop runs until the lease is lost (then it stops at once, and the sink
    /// resumes from the saved position wherever its lease is taken next) or the host stops.
    /// </summary>
    private async Task DeliverWhileLeasedAsync(IRecordSink sink, SinkStatus entry, BatchWindow window, CancellationToken stoppingToken)
    {
        var attempts = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            SinkLease? lease;
            try
            {
                lease = await leases.TryAcquireAsync(sink.Name, stoppingToken).ConfigureAwait(false);
                attempts = 0;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // The lease store is unreachable: nobody can take the lease, so nothing is relayed twice; try again.
                entry.Enter(SinkState.Failing, FailureKind.Of(exception));
                metrics.SinkFailed(sink.Name, FailureKind.Reason(exception));
                var delay = _options.Backoff(++attempts);
                LogLeaseFailed(sink.Name, FailureKind.Of(exception), delay);
                await DelayAsync(delay, stoppingToken).ConfigureAwait(false);
                continue;
            }

            if (lease == null)
            {
                entry.Standby(leases.HolderOf(sink.Name), journal.StartPosition(sink.Name));
                await DelayAsync(leases.RetryInterval, stoppingToken).ConfigureAwait(false);
                continue;
            }

            await using (lease.ConfigureAwait(false))
            {
                LogLeaseTaken(sink.Name, leases.Node);
                entry.Hold(leases.Node);
                using var leased = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lease.Lost);
                await new SinkLoop(sink, entry, window, journal, _options, time, metrics, logger).RunAsync(leased.Token).ConfigureAwait(false);
                if (lease.Lost.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
                {
                    LogLeaseLost(sink.Name);
                    entry.Release();
                    journal.UntrackSink(sink.Name);
                }
            }
        }
    }

    private async Task DelayAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the loop's condition ends it.
        }
    }

    private IReadOnlyList<IRecordSink> CreateSinks() => SinkKinds.Create(
        configuration.GetSection(RelayOptions.Section),
        new SinkContext(services, configuration["Gateway:DataDirectory"] ?? "data", time, logger));

    private void RegisterMetrics()
    {
        metrics.Observe("m2m_journal_position", "Position of the newest journal record.", () => journal.LastPosition);
        metrics.Observe("m2m_journal_backlog", "Records the slowest enabled sink has not delivered (ingest is held back at Gateway:Journal:MaxBacklog).", () => journal.Backlog);
        metrics.Observe("m2m_relay_lag", "Journal records not yet delivered, by sink.", "sink", () => Each(r => r.Lag));
        metrics.Observe("m2m_relay_lag_seconds", "Age of the oldest journal record a sink has not delivered (gateway time), by sink; 0 when it is caught up.", "sink", () => Each(r => r.LagSeconds));
        metrics.Observe("m2m_relay_sink_failing", "1 while a sink is retrying a record, failing or stuck (then /health is Degraded), else 0.", "sink", () => Each(r => r.Failing ? 1 : 0));
        metrics.Observe("m2m_relay_sink_held", "1 on the process delivering a sink (holding its lease, docs/sinks.md \"Cluster mode\"), 0 on a node where it is on standby.", "sink", () => status.Sinks.Select(s => new KeyValuePair<string, double>(s.Name, s.Held ? 1 : 0)));
        metrics.Observe("m2m_relay_dead_letters_pending", "Dead letters a sink has now (an operator may redeliver them).", "sink", () => Each(r => r.DeadLetters));
    }

    private IEnumerable<KeyValuePair<string, double>> Each(Func<SinkReport, double> value) =>
        status.Report().Select(r => new KeyValuePair<string, double>(r.Name, value(r)));

    private async Task RetainAsync(CancellationToken stoppingToken)
    {
        var interval = journalOptions.Value.RetentionInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, time, stoppingToken).ConfigureAwait(false);
                metrics.JournalPruned(await journal.PruneAsync(time.GetUtcNow().ToUnixTimeMilliseconds(), stoppingToken).ConfigureAwait(false));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // Retention can wait for the next interval; nothing is lost by deleting later.
                LogRetentionFailed(FailureKind.Of(exception));
            }
        }
    }

    private async Task SuperviseAsync(string what, Action action, CancellationToken stoppingToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                action();
                return;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                var delay = _options.Backoff(attempt);
                LogStartFailed(what, FailureKind.Of(exception), delay);
                await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async Task WhenStartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(stoppingToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Relay disabled: no IRecordSigner registered (see docs/ingress.md, \"Seams\")")]
    private partial void LogDisabled();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gateway:Journal:MaxRecords is no longer used: undelivered records are never deleted; Gateway:Journal:MaxBacklog bounds the backlog by holding ingest back (docs/ingress.md, \"Journal\")")]
    private partial void LogMaxRecordsIgnored();

    [LoggerMessage(Level = LogLevel.Error, Message = "Journal retention failed ({Error}); it runs again at the next interval")]
    private partial void LogRetentionFailed(string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sink {Sink}: lease taken (node {Node}); delivering from its saved position")]
    private partial void LogLeaseTaken(string sink, string? node);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sink {Sink}: lease lost (its PostgreSQL connection failed); stopped delivering, another node or this one takes it next")]
    private partial void LogLeaseLost(string sink);

    [LoggerMessage(Level = LogLevel.Error, Message = "Sink {Sink}: its lease could not be asked for ({Error}); retrying in {Delay}")]
    private partial void LogLeaseFailed(string sink, string error, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "The relay could not {What} ({Error}); retrying in {Delay}")]
    private partial void LogStartFailed(string what, string error, TimeSpan delay);
}
