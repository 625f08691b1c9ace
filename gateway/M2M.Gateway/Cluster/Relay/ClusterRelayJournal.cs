using M2M.Gateway.Journal;
using M2M.Gateway.Relay;
using Microsoft.Extensions.Options;
using Npgsql;

namespace M2M.Gateway.Cluster.Relay;

/// <summary>
/// The relay's journal in Cluster mode (docs/sinks.md, "Cluster mode"): records from the JetStream
/// journal stream (<see cref="StreamJournalReader"/>), sink positions, dead letters and the batch
/// ledger in PostgreSQL, shared by every node. The backlog is the stream's last position less the
/// slowest enabled sink's position (live for the sinks this node delivers, saved for the others),
/// read again every <see cref="ClusterRelayOptions.BacklogInterval"/>. Retention runs on the node
/// holding the <c>retention</c> lease: it purges the stream up to the slowest enabled sink's saved
/// position and the retention age, after folding the records it purges into the replay checkpoints.
/// </summary>
internal sealed partial class ClusterRelayJournal : IRelayJournal, IHostedService, IAsyncDisposable
{
    /// <summary>The lease of the retention run, beside the sinks' leases.</summary>
    public const string RetentionLease = "retention";

    private readonly StreamJournalReader _stream;
    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresDeadLetters _deadLetters;
    private readonly ISinkLeases _leases;
    private readonly IServiceProvider _services;
    private readonly JournalOptions _journal;
    private readonly ClusterRelayOptions _options;
    private readonly IReadOnlyList<string> _enabled;
    private readonly LiveSinkPositions _live = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly ILogger _logger;
    private Dictionary<string, long> _saved = new(StringComparer.Ordinal);
    private Task? _refreshing;
    private int _disposed;

    public ClusterRelayJournal(
        StreamJournalReader stream,
        NpgsqlDataSource dataSource,
        PostgresBatchLedger ledger,
        ISinkLeases leases,
        IServiceProvider services,
        IConfiguration configuration,
        IOptions<JournalOptions> journal,
        IOptions<ClusterRelayOptions> options,
        ILogger<ClusterRelayJournal> logger)
    {
        _stream = stream;
        _dataSource = dataSource;
        _deadLetters = new PostgresDeadLetters(dataSource);
        Ledger = ledger;
        _leases = leases;
        _services = services;
        _journal = journal.Value;
        _options = options.Value;
        _logger = logger;

        // Every node runs the same sink settings; the backlog and retention count the enabled ones,
        // delivered here or elsewhere (a sink no longer configured holds nothing back, as embedded).
        _enabled = SinkKinds.EnabledNames(configuration.GetSection(RelayOptions.Section));
    }

    public IBatchLedger Ledger { get; }

    public long LastPosition => _stream.LastPosition;

    public long Backlog
    {
        get
        {
            var slowest = Slowest(_live, Volatile.Read(ref _saved));
            return slowest == null ? 0 : Math.Max(0, LastPosition - slowest.Value);
        }
    }

    public IReadOnlyList<SinkProgress> Sinks => _live.Sinks;

    public Task WaitForRecordsAfterAsync(long position, CancellationToken cancellationToken) => _stream.WaitForRecordsAfterAsync(position, cancellationToken);

    public bool ReadCommittedAfter(long after, int max, List<CommittedRecord> destination) => _stream.ReadCommittedAfter(after, max, destination);

    public IReadOnlyList<JournalRecord> ReadTenantAfter(string tenant, long position, long? sinceMs, long? untilMs, int max) =>
        _stream.ReadTenantAfter(tenant, position, sinceMs, untilMs, max);

    public ValueTask WaitForBacklogBelowAsync(long limit, CancellationToken cancellationToken) =>
        _live.WaitUntilBelowAsync(() => Backlog, limit, cancellationToken);

    public SinkProgress TrackSink(string sink, long position) => _live.Track(sink, position);

    public void UntrackSink(string sink) => _live.Untrack(sink);

    /// <summary>The saved position, or just before the oldest record the stream still holds when that is later.</summary>
    public long StartPosition(string sink)
    {
        using var command = _dataSource.CreateCommand("SELECT position FROM m2m_relay_positions WHERE sink = @sink");
        command.Parameters.AddWithValue("sink", sink);
        var saved = command.ExecuteScalar() is long position ? position : 0;
        return Math.Max(saved, _stream.FirstPosition - 1);
    }

    /// <summary>Never moves a saved position back: a node that lost the lease saving late cannot undo the new holder's progress.</summary>
    public void SetSinkPosition(string sink, long position)
    {
        using var command = _dataSource.CreateCommand("""
            INSERT INTO m2m_relay_positions (sink, position, saved_at) VALUES (@sink, @position, now())
            ON CONFLICT (sink) DO UPDATE SET position = GREATEST(m2m_relay_positions.position, excluded.position), saved_at = excluded.saved_at
            """);
        command.Parameters.AddWithValue("sink", sink);
        command.Parameters.AddWithValue("position", position);
        command.ExecuteNonQuery();
    }

    /// <summary>The relay's tables (part <c>relay</c>) and the journal stream, created by whichever node starts first.</summary>
    public void MigrateRelayTables()
    {
        PostgresMigrations.ApplyAsync(_dataSource, RelaySchema.Part, RelaySchema.Steps, _stopping.Token).GetAwaiter().GetResult();
        _stream.EnsureStreamAsync(_stopping.Token).GetAwaiter().GetResult();
        _stream.RefreshAsync(_stopping.Token).GetAwaiter().GetResult();
    }

    public bool AddDeadLetter(string sink, long position, int attempts, string lastError, long failedAt, string eventJson) =>
        _deadLetters.Add(sink, position, attempts, lastError, failedAt, eventJson);

    public long CountDeadLetters(string sink) => _deadLetters.Count(sink);

    public IReadOnlyList<DeadLetter> ReadDeadLetters(string sink, long afterId = 0, int limit = int.MaxValue, bool queuedOnly = false) =>
        _deadLetters.Read(sink, afterId, limit, queuedOnly);

    public IReadOnlyList<long> QueueRedelivery(string sink, IReadOnlyCollection<long>? ids) => _deadLetters.Queue(sink, ids);

    public void RemoveDeadLetters(IReadOnlyList<long> ids) => _deadLetters.Remove(ids);

    public void FailDeadLetter(long id, int attempts, string lastError, long failedAt) => _deadLetters.Fail(id, attempts, lastError, failedAt);

    /// <summary>
    /// Retention, on the node holding the <see cref="RetentionLease"/> (the others return 0): purges
    /// the stream up to the slowest enabled sink's saved position (where a sink resumes after any
    /// node's crash, so never past an undelivered record) and no record younger than
    /// <see cref="JournalOptions.Retention"/>, after folding every purged record into its device's
    /// replay checkpoint; then the ledger's batches every enabled sink passed.
    /// </summary>
    public async Task<long> PruneAsync(long nowMilliseconds, CancellationToken cancellationToken)
    {
        var lease = await _leases.TryAcquireAsync(RetentionLease, cancellationToken).ConfigureAwait(false);
        if (lease == null)
        {
            return 0;
        }

        await using (lease.ConfigureAwait(false))
        {
            using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lease.Lost);
            var saved = ReadSavedPositions();
            var passed = _enabled.Count == 0 ? LastPosition : _enabled.Min(s => saved.GetValueOrDefault(s));
            var cutoff = DateTimeOffset.FromUnixTimeMilliseconds(nowMilliseconds) - _journal.Retention;
            var young = await _stream.FirstPositionSinceAsync(cutoff, run.Token).ConfigureAwait(false);
            var upTo = Math.Min(passed, young == null ? LastPosition : young.Value - 1);
            long purged = 0;
            if (upTo >= _stream.FirstPosition)
            {
                if (_services.GetService<IReplayFold>() is not { } fold)
                {
                    LogNoReplayFold(upTo);
                    return 0;
                }

                for (var after = _stream.FirstPosition - 1; after < upTo;)
                {
                    var chunk = await _stream.ReadRangeAsync(after, (int)Math.Min(StreamJournalReader.ScanChunk, upTo - after), run.Token).ConfigureAwait(false);
                    var folded = chunk.Where(r => r.Position <= upTo).ToList();
                    if (folded.Count == 0)
                    {
                        break;
                    }

                    await fold.FoldAsync(folded, run.Token).ConfigureAwait(false);
                    after = folded[^1].Position;
                }

                purged = await _stream.PurgeThroughAsync(upTo, run.Token).ConfigureAwait(false);
            }

            Ledger.Prune(passed);
            return purged;
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _refreshing = RefreshLoopAsync(_stopping.Token);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_refreshing != null)
        {
            await _refreshing.ConfigureAwait(false);
        }
    }

    /// <summary>Once, though the host disposes it under each registration (the stream reader is its own registration).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await StopAsync(CancellationToken.None).ConfigureAwait(false);
            _stopping.Dispose();
        }
    }

    private static long? Slowest(LiveSinkPositions live, Dictionary<string, long> saved)
    {
        long? slowest = live.Slowest;
        foreach (var (sink, position) in saved)
        {
            if (live.PositionOf(sink) == null)
            {
                slowest = Math.Min(slowest ?? long.MaxValue, position);
            }
        }

        return slowest;
    }

    private Dictionary<string, long> ReadSavedPositions()
    {
        var saved = _enabled.ToDictionary(s => s, _ => 0L, StringComparer.Ordinal);
        using var command = _dataSource.CreateCommand("SELECT sink, position FROM m2m_relay_positions WHERE sink = ANY(@sinks)");
        command.Parameters.AddWithValue("sinks", _enabled.ToArray());
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            saved[reader.GetString(0)] = reader.GetInt64(1);
        }

        return saved;
    }

    /// <summary>
    /// The figures the backlog depends on that other nodes move: the stream's last position and the
    /// saved positions of the sinks delivered elsewhere. A sink not yet started anywhere counts from
    /// 0 (retention keeps everything for it, as embedded).
    /// </summary>
    private async Task RefreshLoopAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _stream.RefreshAsync(stoppingToken).ConfigureAwait(false);
                Volatile.Write(ref _saved, ReadSavedPositions());
                _live.Signal();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is NpgsqlException or NATS.Client.Core.NatsException or TimeoutException or InvalidOperationException)
            {
                // The backlog keeps its last figures (ingest is held back by those, not dropped) until the engines answer.
                LogRefreshFailed(FailureKind.Of(exception));
            }

            try
            {
                await Task.Delay(_options.BacklogInterval, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention purges nothing: no replay fold is registered (the journal's write side), and records up to {Position} would take their replay state with them")]
    private partial void LogNoReplayFold(long position);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The relay's backlog could not be read again ({Error}); it keeps its last figures")]
    private partial void LogRefreshFailed(string error);
}
