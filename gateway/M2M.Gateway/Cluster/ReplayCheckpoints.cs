using M2M.Gateway.Cluster.Relay;
using M2M.Gateway.Ingress;
using M2M.Gateway.Journal;
using Microsoft.Extensions.Options;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using NATS.Client.KeyValueStore;

namespace M2M.Gateway.Cluster;

/// <summary>
/// The per-device replay checkpoints of Cluster mode: KV bucket <c>m2m-replay</c> (replicated like
/// the journal stream), key = device id, value = <see cref="DeviceReplayState"/> (its windows and
/// the stream sequence they are folded up to). A checkpoint only saves catch-up work: the journal
/// stream is the truth, and a node always reads the device's records after the checkpoint before
/// judging. Every write is a compare-and-set on the key's revision and never moves a checkpoint
/// backwards, so nodes writing the same device at once cannot lose each other's progress.
/// </summary>
public sealed class ReplayCheckpoints : IReplayFold
{
    /// <summary>The bucket's name.</summary>
    public const string Bucket = "m2m-replay";

    private readonly INatsJSContext _js;
    private readonly ClusterOptions _options;
    private readonly object _openLock = new();
    private Task<INatsKVStore>? _store;

    public ReplayCheckpoints(INatsJSContext js, IOptions<ClusterOptions> options, IOptions<MqttIngressOptions> ingress)
        : this(js, options.Value, ingress.Value.ReceiveMaximum)
    {
    }

    /// <summary>Checkpoints of windows of <paramref name="windowCapacity"/> entries (the announced Receive Maximum).</summary>
    public ReplayCheckpoints(INatsJSContext js, ClusterOptions options, int windowCapacity)
    {
        _js = js;
        _options = options;
        WindowCapacity = windowCapacity;
    }

    /// <summary>Entries per replay window (docs/protocol.md section 8: the Receive Maximum).</summary>
    public int WindowCapacity { get; }

    /// <summary>Creates the bucket, or brings its configuration up to date; idempotent, every node does it at start.</summary>
    public Task<INatsKVStore> OpenAsync(CancellationToken cancellationToken)
    {
        lock (_openLock)
        {
            // Tried again after a failure (NATS unreachable at start), shared once it succeeded.
            if (_store is null || _store.IsFaulted || _store.IsCanceled)
            {
                _store = CreateAsync();
            }

            return _store.WaitAsync(cancellationToken);
        }
    }

    /// <summary>The device's checkpoint and its KV revision (0 when it has none).</summary>
    public async Task<(DeviceReplayState State, ulong Revision)> ReadAsync(string deviceId, CancellationToken cancellationToken)
    {
        var store = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var entry = await store.TryGetEntryAsync<byte[]>(deviceId, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!entry.Success)
        {
            return entry.Error is NatsKVKeyNotFoundException or NatsKVKeyDeletedException
                ? (new DeviceReplayState(WindowCapacity), 0UL)
                : throw entry.Error;
        }

        return (DeviceReplayState.FromBytes(entry.Value.Value ?? [], WindowCapacity), entry.Value.Revision);
    }

    /// <summary>
    /// Saves <paramref name="value"/> (a state folded up to <paramref name="lastSubjectSeq"/>) unless
    /// the stored checkpoint is already that far; <paramref name="revision"/> is the revision the
    /// caller last saw. Returns the revision now stored.
    /// </summary>
    public async Task<ulong> WriteAsync(string deviceId, byte[] value, ulong lastSubjectSeq, ulong revision, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (await TryWriteAsync(deviceId, value, revision, cancellationToken).ConfigureAwait(false) is { } written)
            {
                return written;
            }

            // Someone else wrote it since: never move it backwards.
            var (current, currentRevision) = await ReadAsync(deviceId, cancellationToken).ConfigureAwait(false);
            if (current.LastSubjectSeq >= lastSubjectSeq)
            {
                return currentRevision;
            }

            revision = currentRevision;
        }
    }

    /// <summary>
    /// Folds <paramref name="records"/> (journal records about to be purged from the stream, their
    /// <see cref="JournalRecord.Position"/> the stream sequence) into their devices' checkpoints, so
    /// that purging them loses no replay state (docs/ingress.md, "Cluster mode"). Call it before the
    /// purge and purge only once it has completed. A checkpoint already past a record is left alone.
    /// </summary>
    public async Task FoldAsync(IReadOnlyList<JournalRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        foreach (var device in records.GroupBy(r => r.DeviceId, StringComparer.Ordinal))
        {
            var ordered = device.OrderBy(r => r.Position).ToList();
            while (true)
            {
                var (state, revision) = await ReadAsync(device.Key, cancellationToken).ConfigureAwait(false);
                var moved = false;
                foreach (var record in ordered)
                {
                    moved |= state.Fold((ulong)record.Position, record);
                }

                if (!moved)
                {
                    break;
                }

                if (await TryWriteAsync(device.Key, state.ToBytes(), revision, cancellationToken).ConfigureAwait(false) != null)
                {
                    break;
                }

                // Another writer moved it meanwhile: fold again on top of what it wrote.
            }
        }
    }

    // History 1: only the newest checkpoint matters; file storage and the journal's replicas, so a
    // checkpoint is as durable as the records it stands for.
    private async Task<INatsKVStore> CreateAsync() =>
        await new NatsKVContext(_js).CreateOrUpdateStoreAsync(
            new NatsKVConfig(Bucket) { History = 1, Storage = NatsKVStorageType.File, NumberOfReplicas = _options.Replicas, Description = "M2M replay checkpoints per device (docs/ingress.md, Cluster mode)" },
            CancellationToken.None).ConfigureAwait(false);

    /// <summary>
    /// The compare-and-set: writes <paramref name="value"/> if the key is still at
    /// <paramref name="revision"/> (0: absent); the new revision, or null when someone wrote it since.
    /// </summary>
    private async Task<ulong?> TryWriteAsync(string deviceId, byte[] value, ulong revision, CancellationToken cancellationToken)
    {
        var store = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var written = revision == 0
            ? await store.TryCreateAsync(deviceId, value, cancellationToken: cancellationToken).ConfigureAwait(false)
            : await store.TryUpdateAsync(deviceId, value, revision, cancellationToken: cancellationToken).ConfigureAwait(false);
        return written.Success ? written.Value
            : written.Error is NatsKVWrongLastRevisionException or NatsKVCreateException ? null
            : throw written.Error;
    }

    /// <summary>The journal stream's configuration (docs/ingress.md, "Cluster mode"), the same on every node.</summary>
    public static StreamConfig JournalStreamConfig(ClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new StreamConfig(options.JournalStream, [options.JournalSubjectPrefix + ".*"])
        {
            Description = "M2M journal: one subject per device (docs/ingress.md, Cluster mode)",
            Storage = StreamConfigStorage.File,
            NumReplicas = options.Replicas,
            // Limits retention with no limit: a record is deleted only by the relay's retention,
            // which purges up to what every sink has delivered, never an undelivered record; were a
            // limit ever set, new writes are refused rather than old records dropped.
            Retention = StreamConfigRetention.Limits,
            Discard = StreamConfigDiscard.New,
            DuplicateWindow = options.DuplicateWindow,
            // The relay reads records by direct get (Cluster/Relay/StreamJournalReader.cs).
            AllowDirect = true,
        };
    }
}
