using M2M.Gateway.Journal;
using Microsoft.Extensions.Options;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace M2M.Gateway.Cluster.Relay;

/// <summary>
/// Reads the cluster's journal, the JetStream stream <see cref="ClusterOptions.JournalStream"/>
/// (subjects <c>{JournalSubjectPrefix}.*</c>, one message per record as
/// <see cref="JournalStreamRecord"/> lays it out, position = stream sequence). New records are
/// followed by one ordered consumer (pushed as they are stored, no polling delay) into a memory tail,
/// started the first time a sink or a consumer stream reads; a reader further behind than the tail
/// reads a range of the stream with a short-lived ordered consumer. The last position is also read
/// from the stream's state every <see cref="ClusterRelayOptions.BacklogInterval"/> (by the relay
/// journal), so a node that delivers nothing still knows the backlog without pulling the stream.
/// </summary>
internal sealed partial class StreamJournalReader : IJournalReader, IAsyncDisposable
{
    /// <summary>Records per read of the stream when scanning (the consumer API's tenant read, retention's fold).</summary>
    public const int ScanChunk = 1000;

    private readonly INatsJSContext _js;
    private readonly ClusterOptions _cluster;
    private readonly CommittedTail _tail;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private int _disposed;
    private readonly Lock _signalLock = new();
    private TaskCompletionSource _appended = NewSignal();
    private Task? _following;
    private long _lastPosition;
    private long _firstPosition = 1;

    public StreamJournalReader(INatsJSContext js, IOptions<ClusterOptions> cluster, IOptions<JournalOptions> journal, ILogger<StreamJournalReader> logger)
    {
        _js = js;
        _cluster = cluster.Value;
        _tail = new CommittedTail(journal.Value.TailRecords);
        _logger = logger;
    }

    public string Stream => _cluster.JournalStream;

    public long LastPosition => Interlocked.Read(ref _lastPosition);

    /// <summary>The oldest position the stream still holds (as last read).</summary>
    public long FirstPosition => Interlocked.Read(ref _firstPosition);

    /// <summary>
    /// Creates the journal stream when it is missing, as the design fixes it (file storage, limits
    /// retention: only the relay's retention deletes, the duplicate window and replicas from
    /// <see cref="ClusterOptions"/>); a stream another node created is used as it is.
    /// </summary>
    public async Task EnsureStreamAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _js.GetStreamAsync(Stream, cancellationToken: cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (NatsJSApiException exception) when (exception.Error.ErrCode == 10059)
        {
            // JSStreamNotFoundErr: the first node to start creates it.
        }

        try
        {
            // The journal's own definition of the stream, so the two nodes' roles never disagree on it.
            await _js.CreateStreamAsync(ReplayCheckpoints.JournalStreamConfig(_cluster), cancellationToken).ConfigureAwait(false);
        }
        catch (NatsJSApiException exception) when (exception.Error.ErrCode == 10058)
        {
            // JSStreamNameExistErr: another node created it at the same moment.
        }
    }

    /// <summary>Reads the stream's state: its last position (for the backlog) and its first (for where a new sink starts).</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var stream = await _js.GetStreamAsync(Stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        var state = stream.Info.State;
        // A stream never written to says 0; its first record will be 1.
        Interlocked.Exchange(ref _firstPosition, Math.Max(1, (long)state.FirstSeq));
        Advance((long)state.LastSeq);
    }

    public Task WaitForRecordsAfterAsync(long position, CancellationToken cancellationToken)
    {
        EnsureFollowing();
        Task signal;
        lock (_signalLock)
        {
            signal = _appended.Task;
        }

        return LastPosition > position ? Task.CompletedTask : signal.WaitAsync(cancellationToken);
    }

    public bool ReadCommittedAfter(long after, int max, List<CommittedRecord> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        EnsureFollowing();
        var before = destination.Count;
        if (_tail.TryRead(after, max, destination) && (destination.Count > before || LastPosition <= after))
        {
            return true;
        }

        // Behind the tail (or the tail has not yet received what the stream's state shows): the
        // stream itself. Synchronous because the relay's read is; only a sink catching up comes here.
        destination.RemoveRange(before, destination.Count - before);
        foreach (var record in ReadRangeAsync(after, max, _stopping.Token).AsTask().GetAwaiter().GetResult())
        {
            destination.Add(new CommittedRecord(record.Position, record));
        }

        return false;
    }

    /// <summary>
    /// The stream has no tenant index (its subjects are per device): the read scans the stream from
    /// <paramref name="position"/> to the last position as it was when the read began.
    /// </summary>
    public IReadOnlyList<JournalRecord> ReadTenantAfter(string tenant, long position, long? sinceMs, long? untilMs, int max)
    {
        var end = LastPosition;
        var found = new List<JournalRecord>();
        for (var after = position; after < end && found.Count < max;)
        {
            var chunk = ReadRangeAsync(after, ScanChunk, _stopping.Token).AsTask().GetAwaiter().GetResult();
            if (chunk.Count == 0)
            {
                break;
            }

            foreach (var record in chunk)
            {
                if (record.Position <= end && record.Tenant == tenant && (sinceMs == null || record.GatewayTime >= sinceMs) && (untilMs == null || record.GatewayTime < untilMs))
                {
                    found.Add(record);
                    if (found.Count == max)
                    {
                        break;
                    }
                }
            }

            after = chunk[^1].Position;
        }

        return found;
    }

    /// <summary>
    /// Up to <paramref name="max"/> records after <paramref name="after"/>, oldest first, read from
    /// the stream by a short-lived ordered consumer (messages that are not journal records are skipped).
    /// </summary>
    public async ValueTask<IReadOnlyList<JournalRecord>> ReadRangeAsync(long after, int max, CancellationToken cancellationToken)
    {
        var records = new List<JournalRecord>(Math.Min(max, ScanChunk));
        if (after >= LastPosition)
        {
            return records;
        }

        var consumer = await _js.CreateOrderedConsumerAsync(Stream, new NatsJSOrderedConsumerOpts
        {
            DeliverPolicy = ConsumerConfigDeliverPolicy.ByStartSequence,
            OptStartSeq = (ulong)(after + 1),
            FilterSubjects = [_cluster.JournalSubjectPrefix + ".*"],
        }, cancellationToken).ConfigureAwait(false);
        await foreach (var message in consumer.FetchNoWaitAsync<byte[]>(new NatsJSFetchOpts { MaxMsgs = max }, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (Read(message) is { } record)
            {
                records.Add(record);
            }
        }

        return records;
    }

    /// <summary>The position of the first record stored at or after <paramref name="time"/> (stream time), or null when there is none.</summary>
    public async Task<long?> FirstPositionSinceAsync(DateTimeOffset time, CancellationToken cancellationToken)
    {
        var consumer = await _js.CreateOrderedConsumerAsync(Stream, new NatsJSOrderedConsumerOpts
        {
            DeliverPolicy = ConsumerConfigDeliverPolicy.ByStartTime,
            OptStartTime = time,
            FilterSubjects = [_cluster.JournalSubjectPrefix + ".*"],
        }, cancellationToken).ConfigureAwait(false);
        await foreach (var message in consumer.FetchNoWaitAsync<byte[]>(new NatsJSFetchOpts { MaxMsgs = 1 }, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            return (long)message.Metadata!.Value.Sequence.Stream;
        }

        return null;
    }

    /// <summary>Deletes every message of the stream before <paramref name="position"/> + 1; returns how many.</summary>
    public async Task<long> PurgeThroughAsync(long position, CancellationToken cancellationToken)
    {
        var response = await _js.PurgeStreamAsync(Stream, new StreamPurgeRequest { Seq = (ulong)(position + 1) }, cancellationToken).ConfigureAwait(false);
        Interlocked.Exchange(ref _firstPosition, Math.Max(FirstPosition, position + 1));
        return (long)response.Purged;
    }

    public async ValueTask DisposeAsync()
    {
        // The container and ClusterRelayJournal may both dispose it.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_following != null)
        {
            await _following.ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private JournalRecord? Read(INatsJSMsg<byte[]> message) =>
        JournalStreamRecord.Read(_cluster.JournalSubjectPrefix, message.Subject, (long)message.Metadata!.Value.Sequence.Stream, message.Headers, message.Data);

    private void EnsureFollowing()
    {
        if (Volatile.Read(ref _following) == null)
        {
            var started = new Task<Task>(() => FollowAsync(_stopping.Token));
            if (Interlocked.CompareExchange(ref _following, started.Unwrap(), null) == null)
            {
                started.Start(TaskScheduler.Default);
            }
        }
    }

    /// <summary>
    /// Follows the stream from its end into the memory tail, for as long as the process runs; the
    /// ordered consumer is recreated from the next position after any failure (a NATS node lost).
    /// </summary>
    private async Task FollowAsync(CancellationToken stoppingToken)
    {
        long next = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (next == 0)
                {
                    await RefreshAsync(stoppingToken).ConfigureAwait(false);
                    next = LastPosition + 1;
                }

                var consumer = await _js.CreateOrderedConsumerAsync(Stream, new NatsJSOrderedConsumerOpts
                {
                    DeliverPolicy = ConsumerConfigDeliverPolicy.ByStartSequence,
                    OptStartSeq = (ulong)next,
                    FilterSubjects = [_cluster.JournalSubjectPrefix + ".*"],
                }, stoppingToken).ConfigureAwait(false);
                await foreach (var message in consumer.ConsumeAsync<byte[]>(cancellationToken: stoppingToken).ConfigureAwait(false))
                {
                    var position = (long)message.Metadata!.Value.Sequence.Stream;
                    if (Read(message) is { } record)
                    {
                        // The tail takes the record before the position is published, as embedded.
                        _tail.Add(position, record);
                    }

                    next = position + 1;
                    Advance(position);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                LogFollowFailed(exception.GetType().Name, next);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private void Advance(long position)
    {
        long current;
        do
        {
            current = Interlocked.Read(ref _lastPosition);
            if (position <= current)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _lastPosition, position, current) != current);

        TaskCompletionSource signal;
        lock (_signalLock)
        {
            signal = _appended;
            _appended = NewSignal();
        }

        signal.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Following the journal stream failed ({Error}); following again from position {Next} in 1 s")]
    private partial void LogFollowFailed(string error, long next);
}
