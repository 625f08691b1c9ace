using M2M.Gateway.Journal;
using M2M.Gateway.Metrics;
using Microsoft.Extensions.Options;

namespace M2M.Gateway.Relay;

/// <summary>
/// Delivers the journal to every configured sink, each from its own persisted position, in journal
/// order (so in order per device), at least once: a record is retried with exponential backoff and
/// full jitter, and after <see cref="RelayOptions.MaxAttempts"/> it goes to the dead letters and the
/// sink moves on. Journal retention runs here too, as it depends on the sinks' positions.
/// </summary>
public sealed partial class RelayService(
    IServiceProvider services,
    TelemetryJournal journal,
    IOptions<RelayOptions> relayOptions,
    IOptions<JournalOptions> journalOptions,
    IConfiguration configuration,
    TimeProvider time,
    GatewayMetrics metrics,
    ILogger<RelayService> logger) : BackgroundService
{
    private readonly RelayOptions _options = relayOptions.Value;
    private readonly Dictionary<string, long> _positions = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var signer = services.GetService<IRecordSigner>();
        if (signer == null)
        {
            LogDisabled();
            return;
        }

        var builder = new CloudEventRecord(signer, configuration);
        var sinks = CreateSinks();
        metrics.Observe("m2m_journal_position", "Position of the newest journal record.", () => journal.LastPosition);
        metrics.Observe("m2m_relay_lag", "Journal records not yet delivered, by sink.", "sink", Lags);
        var loops = sinks.Select(sink => Task.Run(() => RelayAsync(sink, builder, stoppingToken), CancellationToken.None)).ToList();
        loops.Add(RetainAsync(sinks.Select(s => s.Name).ToList(), stoppingToken));
        try
        {
            await Task.WhenAll(loops).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var sink in sinks.OfType<IAsyncDisposable>())
            {
                await sink.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private List<IRecordSink> CreateSinks()
    {
        var sinks = new List<IRecordSink>();
        if (_options.File.Enabled)
        {
            var path = Path.Combine(configuration["Gateway:DataDirectory"] ?? "data", _options.File.Path);
            sinks.Add(new JsonLinesFileSink(path));
        }

        if (_options.Webhook.Url != null)
        {
            var client = services.GetRequiredService<IHttpClientFactory>().CreateClient("m2m-webhook");
            client.Timeout = _options.Webhook.Timeout;
            sinks.Add(new WebhookSink(client, _options.Webhook.Url));
        }

        return sinks;
    }

    private async Task RelayAsync(IRecordSink sink, CloudEventRecord builder, CancellationToken stoppingToken)
    {
        var position = Math.Max(journal.GetSinkPosition(sink.Name), await sink.RecoverPositionAsync(stoppingToken).ConfigureAwait(false));
        SetPosition(sink.Name, position);
        while (!stoppingToken.IsCancellationRequested)
        {
            var batch = journal.ReadAfter(position, _options.BatchSize);
            if (batch.Count == 0)
            {
                await journal.WaitForRecordsAfterAsync(position, stoppingToken).ConfigureAwait(false);
                continue;
            }

            foreach (var record in batch)
            {
                await DeliverWithRetryAsync(sink, record, builder.Build(record), stoppingToken).ConfigureAwait(false);
                position = record.Position;
            }

            await sink.FlushAsync(stoppingToken).ConfigureAwait(false);
            journal.SetSinkPosition(sink.Name, position);
            SetPosition(sink.Name, position);
        }
    }

    private async Task DeliverWithRetryAsync(IRecordSink sink, JournalRecord record, byte[] eventJson, CancellationToken stoppingToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await sink.DeliverAsync(record.Position, eventJson, stoppingToken).ConfigureAwait(false);
                metrics.Delivered(sink.Name);
                return;
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                metrics.DeliveryFailed(sink.Name);
                if (attempt >= _options.MaxAttempts)
                {
                    journal.AddDeadLetter(sink.Name, record.Position, attempt, exception.GetType().Name + ": " + exception.Message,
                        time.GetUtcNow().ToUnixTimeMilliseconds(), System.Text.Encoding.UTF8.GetString(eventJson));
                    metrics.DeadLettered(sink.Name);
                    LogDeadLettered(sink.Name, record.Position, attempt);
                    return;
                }

                var delay = Backoff(attempt);
                LogRetrying(sink.Name, record.Position, attempt, delay, exception.GetType().Name);
                await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Exponential backoff with full jitter: uniform in [0, min(max, initial × 2^(attempt-1))].</summary>
    private TimeSpan Backoff(int attempt)
    {
        var ceiling = Math.Min(_options.MaxBackoff.TotalMilliseconds, _options.InitialBackoff.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30)));
        return TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling);
    }

    private async Task RetainAsync(List<string> sinks, CancellationToken stoppingToken)
    {
        var interval = journalOptions.Value.RetentionInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(interval, time, stoppingToken).ConfigureAwait(false);
            var (_, dropped) = journal.Prune(sinks, time.GetUtcNow().ToUnixTimeMilliseconds());
            if (dropped > 0)
            {
                metrics.JournalDropped(dropped);
                LogDropped(dropped);
            }
        }
    }

    private void SetPosition(string sink, long position)
    {
        lock (_positions)
        {
            _positions[sink] = position;
        }
    }

    private List<KeyValuePair<string, double>> Lags()
    {
        var last = journal.LastPosition;
        lock (_positions)
        {
            return _positions.Select(p => new KeyValuePair<string, double>(p.Key, last - p.Value)).ToList();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Relay disabled: no IRecordSigner registered (see docs/ingress.md, \"Seams\")")]
    private partial void LogDisabled();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sink {Sink}: record {Position} failed (attempt {Attempt}, {Error}); retrying in {Delay}")]
    private partial void LogRetrying(string sink, long position, int attempt, TimeSpan delay, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Sink {Sink}: record {Position} dead-lettered after {Attempts} attempts")]
    private partial void LogDeadLettered(string sink, long position, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Journal full: {Count} undelivered records dropped (Gateway:Journal:MaxRecords)")]
    private partial void LogDropped(long count);
}
