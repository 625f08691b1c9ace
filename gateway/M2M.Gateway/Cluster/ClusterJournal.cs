using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Threading.Channels;
using M2M.Gateway.Journal;
using M2M.Gateway.Metrics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace M2M.Gateway.Cluster;

/// <summary>
/// The journal's write side in Cluster mode (docs/ingress.md, "Cluster mode"): a verified message is
/// judged against its device's replay window (docs/protocol.md section 8) and, when new, published
/// to the replicated JetStream stream with <c>Nats-Expected-Last-Subject-Sequence</c> = the stream
/// sequence of the device's last record this node knows. JetStream applies that check atomically
/// with the write on a quorum of the stream's replicas, so it is a compare-and-set on the device's
/// replay state across the cluster: two nodes can never both append after the same state, so never
/// both accept the same (generation, epoch, sequence). Only the acknowledgement of a quorum write
/// makes a message Appended (PUBACK 0x00). A node that loses the race (JetStream err_code 10071)
/// reads the device's newer records, folds them into the window, and judges again.
/// Appends of one device run one at a time in arrival order (one publish in flight per device);
/// different devices run in parallel. Windows are checkpointed to KV bucket m2m-replay off the
/// PUBACK path (<see cref="ReplayCheckpoints"/>), once per <see cref="ClusterOptions.CheckpointEvery"/>
/// records of a device, and when it goes idle or the node stops. While the slowest sink is
/// <see cref="JournalOptions.MaxBacklog"/> records behind, appends wait before they are judged
/// (<see cref="BacklogHold"/>). A device's state is dropped from memory once it has appended
/// nothing for <see cref="ClusterOptions.DeviceStateIdle"/> and its checkpoint is written: the
/// checkpoint plus the records after it are the whole state, so its next append loads it again.
/// </summary>
public sealed partial class ClusterJournal : IJournalWriter, IHostedService, IAsyncDisposable
{
    // JetStream's "wrong last sequence" (JSStreamWrongLastSequenceErrF), the compare-and-set refused.
    private const int WrongLastSequence = 10071;

    // STREAM.MSG.GET finds no message (JSNoMessageFoundErr answers with code 404).
    private const int NotFound = 404;

    // Checkpoint writers working at once (each one KV write at a time).
    private const int CheckpointWriters = 4;

    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan LongestRetry = TimeSpan.FromSeconds(1);

    private readonly INatsJSContext _js;
    private readonly ClusterOptions _options;
    private readonly ReplayCheckpoints _checkpoints;
    private readonly TimeProvider _time;
    private readonly GatewayMetrics? _metrics;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, DeviceLane> _lanes = new(StringComparer.Ordinal);
    private readonly Channel<DeviceLane> _dirty = Channel.CreateUnbounded<DeviceLane>(new UnboundedChannelOptions { SingleReader = false });
    private readonly CancellationTokenSource _stopping = new();
    private readonly object _openLock = new();
    private readonly Task[] _checkpointWriters;
    private readonly NatsHeaderParser _headerParser = new(Encoding.UTF8);
    private readonly BacklogHold? _hold;
    private readonly Task _sweeper;
    private Task<INatsJSStream>? _stream;
    private int _disposed;

    public ClusterJournal(
        INatsJSContext js,
        IOptions<ClusterOptions> options,
        ReplayCheckpoints checkpoints,
        ISinkPositions positions,
        IOptions<JournalOptions> journal,
        TimeProvider time,
        GatewayMetrics metrics,
        ILogger<ClusterJournal> logger)
        : this(js, options.Value, checkpoints, time, logger, metrics, new BacklogHold(positions, journal.Value.MaxBacklog, logger))
    {
        metrics.Observe("m2m_cluster_device_states", "Devices whose replay state this node holds in memory (dropped after Gateway:Cluster:DeviceStateIdle without an append).", () => DevicesInMemory);
    }

    /// <summary>
    /// A journal on the stream and bucket <paramref name="options"/> name, through <paramref name="js"/>,
    /// holding appends back while <paramref name="hold"/> says so (never when null).
    /// </summary>
    public ClusterJournal(INatsJSContext js, ClusterOptions options, ReplayCheckpoints checkpoints, TimeProvider? time = null, ILogger? logger = null, GatewayMetrics? metrics = null, BacklogHold? hold = null)
    {
        _js = js;
        _options = options;
        _checkpoints = checkpoints;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _metrics = metrics;
        _hold = hold;
        _checkpointWriters = [.. Enumerable.Range(0, CheckpointWriters).Select(_ => Task.Run(WriteCheckpointsAsync))];
        _sweeper = Task.Run(SweepIdleDevicesAsync);
    }

    /// <summary>Devices whose replay state is in memory (metric <c>m2m_cluster_device_states</c>).</summary>
    public int DevicesInMemory => _lanes.Count;

    /// <summary>Whether this node holds <paramref name="deviceId"/>'s replay state in memory.</summary>
    internal bool HoldsStateOf(string deviceId) => _lanes.ContainsKey(deviceId);

    /// <summary>
    /// Starts creating the stream and the bucket (or bringing them up to date). The start does not
    /// wait for NATS: until they exist every append is retried, then failed (journal_unavailable),
    /// and the devices resend, as during any NATS outage.
    /// </summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = OpenAsync(CancellationToken.None).ContinueWith(
            t => LogOpenRetrying(_options.JournalStream, t.Exception?.GetBaseException().Message ?? "failed"),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        return Task.CompletedTask;
    }

    /// <summary>Writes the checkpoints still pending (they only save catch-up work: losing them loses nothing).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var lane in _lanes.Values)
        {
            QueueCheckpoint(lane, onlyIfUnsaved: true);
        }

        _dirty.Writer.TryComplete();
        await Task.WhenAll(_checkpointWriters).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public ValueTask AppendAsync(JournalAppend append, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(append);
        DeviceLane lane;
        bool start;
        while (true)
        {
            lane = _lanes.GetOrAdd(append.Record.DeviceId, static id => new DeviceLane(id));
            lock (lane.Queue)
            {
                // Dropped by the sweep between the look-up and the lock: take the device's new lane.
                if (lane.Dropped)
                {
                    continue;
                }

                lane.Queue.Enqueue(append);
                lane.LastUsed = _time.GetTimestamp();
                start = !lane.Running;
                lane.Running = true;
            }

            break;
        }

        if (start)
        {
            // One task per device with appends waiting: this is what keeps one publish in flight per device.
            _ = Task.Run(() => RunLaneAsync(lane), CancellationToken.None);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public async ValueTask<ReplayMark?> ReadMarkAsync(string deviceId, CancellationToken cancellationToken)
    {
        // What the cluster has durably accepted, not what this node last saw: checkpoint + catch-up.
        var lane = new DeviceLane(deviceId);
        await LoadAsync(lane, cancellationToken).ConfigureAwait(false);
        return lane.State!.Mark();
    }

    public async ValueTask DisposeAsync()
    {
        // Once: the host disposes it as itself, as the IJournalWriter and as the hosted service it is.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _dirty.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll([.. _checkpointWriters, _sweeper]).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private Task<INatsJSStream> OpenAsync(CancellationToken cancellationToken)
    {
        lock (_openLock)
        {
            // Tried again after a failure (NATS unreachable at start), shared once it succeeded.
            if (_stream is null || _stream.IsFaulted || _stream.IsCanceled)
            {
                _stream = CreateAsync();
            }

            return _stream.WaitAsync(cancellationToken);
        }
    }

    private async Task<INatsJSStream> CreateAsync()
    {
        await _checkpoints.OpenAsync(CancellationToken.None).ConfigureAwait(false);
        var stream = await _js.CreateOrUpdateStreamAsync(ReplayCheckpoints.JournalStreamConfig(_options), CancellationToken.None).ConfigureAwait(false);
        LogOpened(_options.JournalStream, _options.Replicas, ReplayCheckpoints.Bucket);
        return stream;
    }

    private async Task RunLaneAsync(DeviceLane lane)
    {
        while (true)
        {
            JournalAppend? append;
            lock (lane.Queue)
            {
                if (!lane.Queue.TryDequeue(out append))
                {
                    lane.Running = false;
                    return;
                }
            }

            if (_hold == null || await _hold.WaitAsync(_stopping.Token).ConfigureAwait(false))
            {
                await JournalAsync(lane, append).ConfigureAwait(false);
            }
            else
            {
                append.Outcome = AppendOutcome.Failed;
                append.Error = new OperationCanceledException("The gateway stopped while ingest was held back.");
            }

            try
            {
                append.Waiter?.OnJournaled(append);
            }
            catch (Exception exception)
            {
                // A waiter's bug must not stop the device's other appends.
                LogWaiterFailed(exception);
            }
        }
    }

    /// <summary>Judges one append and, when new, writes it; sets its outcome. Never throws.</summary>
    private async Task JournalAsync(DeviceLane lane, JournalAppend append)
    {
        if (append.Waiter is { Accepting: false })
        {
            append.Outcome = AppendOutcome.Failed;
            append.Error = new InvalidOperationException("An earlier message of this connection was not journaled.");
            return;
        }

        var record = append.Record;
        var subject = JournalStreamRecord.Subject(_options.JournalSubjectPrefix, record.DeviceId);
        // Built once per append; only the Nats-Msg-Id (the slot, below) changes between attempts.
        var headers = JournalStreamRecord.Headers(record, _options.NodeId);
        var started = _time.GetTimestamp();
        var retry = FirstRetry;
        var published = false;
        var retried = false;
        Exception? lastError = null;
        while (true)
        {
            if (_time.GetElapsedTime(started) > _options.Timeout)
            {
                // However it came to this (NATS out of reach, a conflict that keeps recurring), the
                // device is told nothing was journaled and resends.
                append.Outcome = AppendOutcome.Failed;
                append.Error = lastError ?? new TimeoutException($"The journal write was not confirmed within {_options.Timeout}.");
                LogAppendFailed(append.Error, record.DeviceId, _options.Timeout);
                return;
            }

            try
            {
                if (lane.State == null)
                {
                    await LoadAsync(lane, _stopping.Token).ConfigureAwait(false);
                }
                else if (lane.Uncertain)
                {
                    await CatchUpAsync(lane, _stopping.Token).ConfigureAwait(false);
                    lane.Uncertain = false;
                }

                var state = lane.State!;
                var verdict = state.Window(record.CredentialGeneration).Check(record.Epoch, record.Sequence, append.Signature);
                if (verdict != ReplayVerdict.New)
                {
                    // Our own earlier attempt stored it (its acknowledgement was lost): it is ours.
                    if (verdict == ReplayVerdict.Duplicate && retried && lane.Stored(record) is { } position)
                    {
                        Appended(append, (long)position, started);
                        return;
                    }

                    append.Outcome = verdict == ReplayVerdict.Duplicate ? AppendOutcome.Duplicate : AppendOutcome.Replayed;
                    return;
                }

                // The window only ever holds what the stream holds (records this node had
                // acknowledged, or read back from the stream or a checkpoint of it), so a Duplicate
                // above needs no re-publish: its record is stored.
                published = true;
                headers[JournalStreamRecord.MessageIdHeader] = SlotId(record.DeviceId, state.LastSubjectSeq);
                var ack = await _js.TryPublishAsync(subject, record.Payload, opts: new NatsJSPubOpts { ExpectedLastSubjectSequence = lane.ExpectedLast }, headers: headers, cancellationToken: _stopping.Token).ConfigureAwait(false);
                if (!ack.Success)
                {
                    throw ack.Error;
                }

                var response = ack.Value;
                if (response.Error is { ErrCode: WrongLastSequence })
                {
                    // Another node appended for this device (or retention purged its last record): catch up, judge again.
                    _metrics?.JournalConflict("wrong_last_sequence");
                    await CatchUpAsync(lane, _stopping.Token, conflict: true).ConfigureAwait(false);
                    continue;
                }

                if (response.Error != null)
                {
                    throw new NatsJSApiException(response.Error);
                }

                if (response.Duplicate)
                {
                    // The slot after ExpectedLast is taken (its Msg-Id is stored): by this very
                    // message (our retry after a lost acknowledgement, or the device's resend through
                    // another node), or by another record a node appended at the same moment, which
                    // won the race. Either way catch up; the same message is then ours or a
                    // duplicate, anything else is judged again after the winner.
                    _metrics?.JournalConflict("slot_taken");
                    await CatchUpAsync(lane, _stopping.Token).ConfigureAwait(false);
                    var stored = await GetAsync(await OpenAsync(_stopping.Token).ConfigureAwait(false), new StreamMsgGetRequest { Seq = response.Seq }, _stopping.Token).ConfigureAwait(false);
                    if (stored != null && Decode(stored) is { } original && original.Sequence == record.Sequence && original.Epoch == record.Epoch
                        && string.Equals(original.Signature, record.Signature, StringComparison.Ordinal))
                    {
                        if (retried)
                        {
                            Appended(append, (long)response.Seq, started);
                        }
                        else
                        {
                            append.Outcome = AppendOutcome.Duplicate;
                        }

                        return;
                    }

                    continue;
                }

                lock (lane.Sync)
                {
                    state.Appended(response.Seq, record, append.Signature);
                    lane.ExpectedLast = response.Seq;
                }

                Appended(append, (long)response.Seq, started);
                CountUnsaved(lane, 1);
                return;
            }
            catch (Exception exception) when (!_stopping.IsCancellationRequested)
            {
                // The outcome is unknown (a timeout, a lost connection, no stream leader while
                // JetStream elects one after a node died): the write may be stored. Catch up before
                // judging again; a publish repeated carries the same Msg-Id, so it is stored once.
                lane.Uncertain = true;
                retried |= published;
                lastError = exception;
                LogRetrying(record.DeviceId, exception.GetType().Name, exception.Message);
                await Task.Delay(retry, _time, CancellationToken.None).ConfigureAwait(false);
                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, LongestRetry.Ticks));
            }
            catch (Exception exception)
            {
                append.Outcome = AppendOutcome.Failed;
                append.Error = exception;
                return;
            }
        }
    }

    /// <summary>
    /// The Nats-Msg-Id of a device's record written after its record at stream sequence
    /// <paramref name="after"/> (the last one folded into the node's state: the expected sequence,
    /// except once retention purged every record of the device, when that is 0 but this is not, so
    /// the id of a slot is never used twice): one id per slot, so of two nodes appending after the same
    /// record at the same moment JetStream stores one and answers the other "duplicate". This is
    /// what makes the compare-and-set hold on nats-server before 2.9.21, where
    /// Nats-Expected-Last-Subject-Sequence is checked before the replicated write rather than as
    /// part of it and two concurrent writes may both pass (nats-server issue 4320); the header
    /// still refuses a node whose view is stale. A write retried after a lost acknowledgement names
    /// the same slot, so it is stored once.
    /// </summary>
    internal static string SlotId(string deviceId, ulong after) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{deviceId}/after/{after}");

    private void Appended(JournalAppend append, long position, long started)
    {
        append.Position = position;
        append.Outcome = AppendOutcome.Appended;
        _metrics?.JournalCommitted(_time.GetElapsedTime(started), 1);
    }

    /// <summary>Loads the device's state: its checkpoint, then the records the stream holds after it.</summary>
    private async Task LoadAsync(DeviceLane lane, CancellationToken cancellationToken)
    {
        await OpenAsync(cancellationToken).ConfigureAwait(false);
        var (state, revision) = await _checkpoints.ReadAsync(lane.DeviceId, cancellationToken).ConfigureAwait(false);
        lock (lane.Sync)
        {
            lane.State = state;
            lane.Revision = revision;
            lane.ExpectedLast = state.LastSubjectSeq;
        }

        await CatchUpAsync(lane, cancellationToken).ConfigureAwait(false);
        lane.Uncertain = false;
    }

    /// <summary>
    /// Folds the device's records after the state's last one into it (each read from the stream
    /// leader, so it is what a quorum stored). After a refused compare-and-set that found nothing
    /// newer (<paramref name="conflict"/>), the device's last record was purged by retention: the
    /// state becomes the device's checkpoint when that is further (retention folded the purged
    /// records into it), and the expected sequence the stream's last record of the subject (0 when
    /// none is left).
    /// </summary>
    private async Task CatchUpAsync(DeviceLane lane, CancellationToken cancellationToken, bool conflict = false)
    {
        var stream = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var subject = JournalStreamRecord.Subject(_options.JournalSubjectPrefix, lane.DeviceId);
        var state = lane.State!;
        var found = 0;
        while (await GetAsync(stream, new StreamMsgGetRequest { Seq = state.LastSubjectSeq + 1, NextBySubj = subject }, cancellationToken).ConfigureAwait(false) is { } message)
        {
            var record = Decode(message);
            lock (lane.Sync)
            {
                state.Fold(message.Seq, record);
                lane.ExpectedLast = message.Seq;
                if (record != null)
                {
                    lane.Remember(message.Seq, record);
                }
            }

            found++;
        }

        if (found > 0)
        {
            CountUnsaved(lane, found);
        }
        else if (conflict)
        {
            // The device's last record this node knows is purged. Retention folded it, and any
            // record of the device another node wrote after it and that was purged too, into the
            // device's checkpoint before purging: a checkpoint further than this node's state is
            // the state (nothing of the device is left in the stream after it, or the loop above
            // would have found it).
            var (checkpoint, revision) = await _checkpoints.ReadAsync(lane.DeviceId, cancellationToken).ConfigureAwait(false);
            lock (lane.Sync)
            {
                if (checkpoint.LastSubjectSeq > state.LastSubjectSeq)
                {
                    lane.State = checkpoint;
                    lane.Revision = Math.Max(lane.Revision, revision);
                }
            }

            var last = await GetAsync(stream, new StreamMsgGetRequest { LastBySubj = subject }, cancellationToken).ConfigureAwait(false);
            lock (lane.Sync)
            {
                lane.ExpectedLast = last?.Seq ?? 0;
            }
        }
    }

    private static async Task<StoredMessage?> GetAsync(INatsJSStream stream, StreamMsgGetRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return (await stream.GetAsync(request, cancellationToken).ConfigureAwait(false)).Message;
        }
        catch (NatsJSApiException exception) when (exception.Error.Code == NotFound)
        {
            return null;
        }
    }

    /// <summary>The journal record a stored message is (null when something else wrote on the subject).</summary>
    private JournalRecord? Decode(StoredMessage message)
    {
        if (string.IsNullOrEmpty(message.Hdrs))
        {
            return null;
        }

        // STREAM.MSG.GET answers the raw header block (NATS/1.0 line and fields), base64-encoded.
        var headers = new NatsHeaders();
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(Convert.FromBase64String(message.Hdrs)));
        if (!_headerParser.ParseHeaders(reader, headers))
        {
            return null;
        }

        return JournalStreamRecord.Read(_options.JournalSubjectPrefix, message.Subject, (long)message.Seq, headers, message.Data.ToArray());
    }

    /// <summary>
    /// Notes that <paramref name="records"/> more records are folded into the lane's state, and
    /// queues its checkpoint once <see cref="ClusterOptions.CheckpointEvery"/> are not in one. A
    /// checkpoint only saves catch-up work (the stream holds every record after it), so fewer writes
    /// cost a node that loads the state at most that many stream reads, while a write after every
    /// record would double the replicated writes of every message (docs/scaling.md, "Replay
    /// protection across nodes"). The rest is written when the device goes idle or the node stops.
    /// </summary>
    private void CountUnsaved(DeviceLane lane, int records)
    {
        bool due;
        lock (lane.Sync)
        {
            lane.Unsaved += records;
            due = lane.Unsaved >= _options.CheckpointEvery;
        }

        if (due)
        {
            QueueCheckpoint(lane, onlyIfUnsaved: false);
        }
    }

    /// <summary>Queues the lane for a checkpoint writer, once however many records move it meanwhile.</summary>
    private void QueueCheckpoint(DeviceLane lane, bool onlyIfUnsaved)
    {
        lock (lane.Sync)
        {
            if (lane.CheckpointQueued || (onlyIfUnsaved && lane.Unsaved == 0))
            {
                return;
            }

            lane.CheckpointQueued = true;
        }

        _dirty.Writer.TryWrite(lane);
    }

    /// <summary>Coalesced checkpoints: a device queued once however many appends moved it meanwhile.</summary>
    private async Task WriteCheckpointsAsync()
    {
        await foreach (var lane in _dirty.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            byte[] value;
            ulong last;
            ulong revision;
            int unsaved;
            lock (lane.Sync)
            {
                lane.CheckpointQueued = false;
                unsaved = lane.Unsaved;
                lane.Unsaved = 0;
                value = lane.State!.ToBytes();
                last = lane.State.LastSubjectSeq;
                revision = lane.Revision;
            }

            try
            {
                var written = await _checkpoints.WriteAsync(lane.DeviceId, value, last, revision, _stopping.Token).ConfigureAwait(false);
                lock (lane.Sync)
                {
                    lane.Revision = Math.Max(lane.Revision, written);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // A checkpoint only saves catch-up work; the sweep or the device's next records queue it again.
                lock (lane.Sync)
                {
                    lane.Unsaved += unsaved;
                }

                LogCheckpointFailed(exception, lane.DeviceId);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Checkpoints, then drops from memory, the state of every device idle for
    /// <see cref="ClusterOptions.DeviceStateIdle"/> with nothing queued or running, so a node's
    /// memory follows the devices that are active on it, not every device it has ever seen
    /// (docs/scaling.md, "Sizing"). A state is dropped once its checkpoint is written (a later load
    /// then reads nothing back from the stream); one whose writes keep failing stays until one succeeds.
    /// </summary>
    private async Task SweepIdleDevicesAsync()
    {
        var every = TimeSpan.FromTicks(Math.Clamp(_options.DeviceStateIdle.Ticks / 4, TimeSpan.TicksPerSecond, TimeSpan.TicksPerMinute));
        while (true)
        {
            try
            {
                await Task.Delay(every, _time, _stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var dropped = 0;
            foreach (var (deviceId, lane) in _lanes)
            {
                lock (lane.Queue)
                {
                    if (lane.Running || lane.Queue.Count > 0 || _time.GetElapsedTime(lane.LastUsed) < _options.DeviceStateIdle)
                    {
                        continue;
                    }

                    lock (lane.Sync)
                    {
                        if (lane.CheckpointQueued || lane.Unsaved > 0)
                        {
                            QueueCheckpoint(lane, onlyIfUnsaved: true);
                            continue;
                        }
                    }

                    lane.Dropped = true;
                }

                _lanes.TryRemove(new KeyValuePair<string, DeviceLane>(deviceId, lane));
                dropped++;
            }

            if (dropped > 0)
            {
                LogDropped(dropped, _options.DeviceStateIdle, _lanes.Count);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Dropped the replay state of {Count} devices idle for {Idle} ({Left} still in memory)")]
    private partial void LogDropped(int count, TimeSpan idle, int left);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cluster journal on JetStream stream {Stream} (replicas {Replicas}), replay checkpoints in KV bucket {Bucket}")]
    private partial void LogOpened(string stream, int replicas, string bucket);

    [LoggerMessage(Level = LogLevel.Warning, Message = "JetStream stream {Stream} or the replay bucket not ready yet ({Reason}); retrying")]
    private partial void LogOpenRetrying(string stream, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Journal write for device {DeviceId} not confirmed ({Kind}: {Reason}); retrying with the same message id")]
    private partial void LogRetrying(string deviceId, string kind, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Journal write for device {DeviceId} not confirmed within {Timeout}; its connection is closed without acknowledgement and the device resends it")]
    private partial void LogAppendFailed(Exception exception, string deviceId, TimeSpan timeout);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replay checkpoint of device {DeviceId} not written; the next one will be")]
    private partial void LogCheckpointFailed(Exception exception, string deviceId);

    [LoggerMessage(Level = LogLevel.Error, Message = "A journal waiter failed")]
    private partial void LogWaiterFailed(Exception exception);

    /// <summary>One device's appends, one at a time, and the replay state they are judged against.</summary>
    private sealed class DeviceLane(string deviceId)
    {
        // Records read back from the stream while catching up, newest last, to recognise our own
        // write whose acknowledgement was lost (bounded: only the last few matter). Their numbers
        // and signature only: a payload kept per device would cost the node memory per device.
        private const int Remembered = 64;
        private readonly Queue<(ulong Position, long Generation, uint Epoch, uint Sequence, string Signature)> _recent = new();

        public string DeviceId { get; } = deviceId;

        /// <summary>Waiting appends; its lock also guards <see cref="Running"/>.</summary>
        public Queue<JournalAppend> Queue { get; } = new();

        public bool Running { get; set; }

        /// <summary>Guards the state against the checkpoint writers' snapshots.</summary>
        public object Sync { get; } = new();

        /// <summary>Null until loaded from the checkpoint and the stream.</summary>
        public DeviceReplayState? State { get; set; }

        /// <summary>The Nats-Expected-Last-Subject-Sequence of the next publish.</summary>
        public ulong ExpectedLast { get; set; }

        /// <summary>A write's outcome is unknown: catch up before judging again.</summary>
        public bool Uncertain { get; set; }

        public ulong Revision { get; set; }

        public bool CheckpointQueued { get; set; }

        /// <summary>Records folded in since the last checkpoint snapshot, 0 when it holds them all (guarded by <see cref="Sync"/>).</summary>
        public int Unsaved { get; set; }

        /// <summary>Set (with <see cref="Queue"/>'s lock held) when the sweep drops the lane: an append that finds it takes a new one.</summary>
        public bool Dropped { get; set; }

        /// <summary>When its last append came (<see cref="TimeProvider.GetTimestamp"/>); guarded by <see cref="Queue"/>'s lock.</summary>
        public long LastUsed { get; set; }

        public void Remember(ulong position, JournalRecord record)
        {
            _recent.Enqueue((position, record.CredentialGeneration, record.Epoch, record.Sequence, record.Signature));
            if (_recent.Count > Remembered)
            {
                _recent.Dequeue();
            }
        }

        /// <summary>Where the stream holds <paramref name="record"/> (same numbers and signature), if it was read back.</summary>
        public ulong? Stored(JournalRecord record)
        {
            foreach (var (position, generation, epoch, sequence, signature) in _recent)
            {
                if (generation == record.CredentialGeneration && epoch == record.Epoch && sequence == record.Sequence
                    && string.Equals(signature, record.Signature, StringComparison.Ordinal))
                {
                    return position;
                }
            }

            return null;
        }
    }
}
