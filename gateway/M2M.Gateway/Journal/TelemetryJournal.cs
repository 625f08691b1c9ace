using System.Buffers.Text;
using System.Diagnostics;
using System.Threading.Channels;
using M2M.Gateway.Ingress;
using M2M.Gateway.Metrics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace M2M.Gateway.Journal;

/// <summary>
/// The durable journal between verification and relay (docs/ingress.md, "Journal"): one SQLite
/// database in WAL mode with <c>synchronous=FULL</c>, so a committed transaction survives a crash
/// at any point (kill -9 or power loss). One writer takes every append that is waiting, judges each
/// against its device's replay window (docs/protocol.md section 8) and commits the accepted ones
/// and the windows they moved in one transaction, so many devices share one fsync and a restart can
/// neither accept a message twice nor forget one. This file is the write side; the relay's side
/// (reading, sink positions, dead letters, retention) is TelemetryJournal.Relay.cs.
/// </summary>
public sealed partial class TelemetryJournal : IJournalWriter, IAsyncDisposable
{
    private const string FileName = "journal.db";

    // Retention's steps (PruneAsync): records per DELETE, pages per incremental vacuum, and the pause
    // after each, in which a commit waiting for the write lock takes it.
    private const int PruneChunk = 500;
    private const int VacuumChunk = 1000;
    private static readonly TimeSpan PrunePause = TimeSpan.FromMilliseconds(5);

    private readonly string _connectionString;
    private readonly JournalOptions _options;
    private readonly int _windowCapacity;
    private readonly ILogger _logger;
    private readonly GatewayMetrics? _metrics;
    // Synchronous continuations: an append wakes the writer's own thread directly (it waits blocked),
    // rather than through a hop on the thread pool, which a PUBLISH's latency would pay.
    private readonly Channel<JournalAppend> _appends = Channel.CreateBounded<JournalAppend>(
        new BoundedChannelOptions(16_384) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait, AllowSynchronousContinuations = true });

    // Owned by the writer alone (loaded before it starts).
    private readonly Dictionary<(string DeviceId, long Generation), ReplayWindow> _windows = [];
    private readonly Thread _writer;
    private readonly CancellationTokenSource _stopping = new();
    private readonly BacklogHold _hold;
    private readonly object _signalLock = new();
    private TaskCompletionSource _appended = NewSignal();
    private long _lastPosition;
    private int _disposed;

    public TelemetryJournal(IOptions<JournalOptions> options, IOptions<MqttIngressOptions> ingress, IConfiguration configuration, GatewayMetrics metrics, ILogger<TelemetryJournal> logger)
        : this(Path.Combine(configuration["Gateway:DataDirectory"] ?? "data", FileName), options.Value, ingress.Value.ReceiveMaximum, logger, metrics)
    {
    }

    /// <summary>
    /// Opens (or creates) the journal at <paramref name="path"/>, remembering the last
    /// <paramref name="windowCapacity"/> accepted messages of each device (the Receive Maximum the
    /// broker announces, docs/protocol.md section 8).
    /// </summary>
    public TelemetryJournal(string path, JournalOptions options, int windowCapacity = MqttIngressOptions.DefaultReceiveMaximum, ILogger? logger = null, GatewayMetrics? metrics = null)
    {
        _metrics = metrics;
        _options = options;
        _windowCapacity = windowCapacity;
        _logger = logger ?? NullLogger.Instance;
        _hold = new BacklogHold(this, options.MaxBacklog, _logger);
        Hosting.PrivateFile.CreateIfMissing(path, createFolders: true);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString();
        using (var connection = Open())
        {
            JournalSchema.Migrate(connection, path);
            LoadWindows(connection);

            // The highest position ever handed out, even if retention deleted that record since.
            using var last = connection.CreateCommand();
            last.CommandText = "SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'records'), 0)";
            _lastPosition = Convert.ToInt64(last.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }

        // Opened once journal.db is known to be readable, so a refused journal leaves no connection open.
        Ledger = new BatchLedger(BatchLedger.PathFor(path), _logger);

        // Its own thread: the writer blocks in SQLite (the commit's fsync) and waits blocked for
        // appends, so it neither holds a thread-pool thread nor waits behind the pool's queue.
        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "m2m-journal-writer" };
        _writer.Start();
    }

    /// <summary>The relay's batch ledger, beside this journal.</summary>
    public BatchLedger Ledger { get; }

    /// <summary>The position of the newest record.</summary>
    public long LastPosition => Interlocked.Read(ref _lastPosition);

    /// <summary>
    /// Queues a verified message; its waiter learns the outcome once the writer has judged it and,
    /// when accepted, made it durable. Completes at once unless 16,384 appends are already waiting,
    /// which holds the caller back (and with it the connection it reads).
    /// </summary>
    public ValueTask AppendAsync(JournalAppend append, CancellationToken cancellationToken) =>
        _appends.Writer.TryWrite(append) ? ValueTask.CompletedTask : _appends.Writer.WriteAsync(append, cancellationToken);

    /// <summary>Completes when a record after <paramref name="position"/> exists (or at once if one does).</summary>
    public Task WaitForRecordsAfterAsync(long position, CancellationToken cancellationToken)
    {
        Task signal;
        lock (_signalLock)
        {
            signal = _appended.Task;
        }

        return LastPosition > position ? Task.CompletedTask : signal.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        // Once: the host disposes it under each interface it is registered as (IJournalWriter, IRelayJournal, IJournalReader...).
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _appends.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.Run(_writer.Join).ConfigureAwait(false);
        _stopping.Dispose();
        Ledger.Dispose();
        SqliteConnection.ClearAllPools();
    }

    /// <summary>
    /// The committed replay mark of <paramref name="deviceId"/>'s newest credential generation that
    /// has one, or null before its first accepted message: durable, unlike the ingress's counters.
    /// </summary>
    public ValueTask<ReplayMark?> ReadMarkAsync(string deviceId, CancellationToken cancellationToken) => ValueTask.FromResult(ReadMark(deviceId));

    private ReplayMark? ReadMark(string deviceId)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT generation, epoch, seq FROM marks WHERE device_id = $device ORDER BY generation DESC LIMIT 1";
        command.Parameters.AddWithValue("$device", deviceId);
        using var reader = command.ExecuteReader();
        return reader.Read() ? new ReplayMark(reader.GetInt64(0), (uint)reader.GetInt64(1), (uint)reader.GetInt64(2)) : null;
    }

    private void LoadWindows(SqliteConnection connection)
    {
        using var marks = connection.CreateCommand();
        marks.CommandText = "SELECT device_id, generation, epoch, seq, signature, recent FROM marks";
        using var reader = marks.ExecuteReader();
        while (reader.Read())
        {
            var key = (reader.GetString(0), reader.GetInt64(1));
            _windows[key] = reader.IsDBNull(5)
                ? ReplayWindow.FromMark((uint)reader.GetInt64(2), (uint)reader.GetInt64(3), Base64Url.DecodeFromChars(reader.GetString(4)), _windowCapacity)
                : ReplayWindow.FromBytes((byte[])reader[5], _windowCapacity);
        }
    }

    private void WriteLoop()
    {
        WriterStatements? statements = null;
        var batch = new List<JournalAppend>(_options.MaxBatch);
        var changes = new List<WindowChange>(_options.MaxBatch);
        var touched = new List<((string, long) Key, ReplayWindow Window, JournalAppend Last)>();
        long batchNumber = 0;
        while (Wait(_appends.Reader.WaitToReadAsync()) && Wait(_hold.WaitAsync(_stopping.Token)))
        {
            batch.Clear();
            changes.Clear();
            touched.Clear();
            batchNumber++;
            while (batch.Count < _options.MaxBatch && _appends.Reader.TryRead(out var append))
            {
                batch.Add(append);
            }

            var accepted = Judge(batch, changes, touched, batchNumber);
            if (accepted > 0)
            {
                try
                {
                    statements ??= new WriterStatements(Open());
                    var started = Stopwatch.GetTimestamp();
                    Commit(statements, batch, touched);
                    _metrics?.JournalCommitted(Stopwatch.GetElapsedTime(started), accepted);
                }
                catch (Exception exception)
                {
                    // Whatever failed (I/O, a full disk, SQLite, a bug), nothing of the batch is
                    // durable: its windows go back to what is committed, each accepted append is
                    // failed (its connection closes without a PUBACK and the device resends it), and
                    // the writer carries on with the next batch on a new SQLite connection (a commit
                    // that failed can leave its transaction open, https://sqlite.org/lang_transaction.html).
                    if (statements != null)
                    {
                        // Out of the pool too: a pooled connection would come back as it is.
                        SqliteConnection.ClearPool(statements.Connection);
                        statements.Dispose();
                        statements = null;
                    }
                    for (var i = changes.Count - 1; i >= 0; i--)
                    {
                        ReplayWindow.Undo(changes[i]);
                    }

                    foreach (var append in batch)
                    {
                        if (append.Outcome == AppendOutcome.Appended)
                        {
                            append.Outcome = AppendOutcome.Failed;
                            append.Error = exception;
                        }
                    }

                    LogCommitFailed(exception, accepted);
                    accepted = 0;
                }
            }

            if (accepted > 0)
            {
                // The relay's memory tail takes the records before their position is published.
                foreach (var append in batch)
                {
                    if (append.Outcome == AppendOutcome.Appended)
                    {
                        OnCommitted(append.Position, append.Record);
                    }
                }

                Interlocked.Exchange(ref _lastPosition, LastAppended(batch));
                Signal();
            }

            foreach (var append in batch)
            {
                try
                {
                    append.Waiter?.OnJournaled(append);
                }
                catch (Exception exception)
                {
                    // A waiter's bug must not stop the journal for everyone else.
                    LogWaiterFailed(exception);
                }
            }
        }

        statements?.Dispose();
    }

    /// <summary>The writer's thread waits, blocked, for what an asynchronous call will say.</summary>
    private static bool Wait(ValueTask<bool> pending) => pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();

    /// <summary>Applies the replay rules to the batch in order; returns how many were accepted.</summary>
    private int Judge(List<JournalAppend> batch, List<WindowChange> changes, List<((string, long) Key, ReplayWindow Window, JournalAppend Last)> touched, long batchNumber)
    {
        var accepted = 0;
        var next = LastPosition;
        foreach (var append in batch)
        {
            if (append.Waiter is { Accepting: false })
            {
                append.Outcome = AppendOutcome.Failed;
                append.Error = new InvalidOperationException("An earlier message of this connection was not journaled.");
                continue;
            }

            var record = append.Record;
            var key = (record.DeviceId, record.CredentialGeneration);
            if (!_windows.TryGetValue(key, out var window))
            {
                window = new ReplayWindow(_windowCapacity);
                _windows[key] = window;
            }

            switch (window.Check(record.Epoch, record.Sequence, append.Signature))
            {
                case ReplayVerdict.Duplicate:
                    append.Outcome = AppendOutcome.Duplicate;
                    continue;
                case ReplayVerdict.Replayed:
                    append.Outcome = AppendOutcome.Replayed;
                    continue;
            }

            changes.Add(window.Accept(record.Epoch, record.Sequence, append.Signature));
            append.Outcome = AppendOutcome.Appended;
            append.Position = ++next;
            accepted++;
            if (window.Batch != batchNumber)
            {
                window.Batch = batchNumber;
                window.BatchIndex = touched.Count;
                touched.Add((key, window, append));
            }
            else
            {
                touched[window.BatchIndex] = (key, window, append);
            }
        }

        return accepted;
    }

    private static long LastAppended(List<JournalAppend> batch)
    {
        for (var i = batch.Count - 1; i >= 0; i--)
        {
            if (batch[i].Outcome == AppendOutcome.Appended)
            {
                return batch[i].Position;
            }
        }

        return 0;
    }

    private static void Commit(WriterStatements statements, List<JournalAppend> batch, List<((string, long) Key, ReplayWindow Window, JournalAppend Last)> touched)
    {
        using var transaction = statements.Connection.BeginTransaction();
        var insert = statements.Insert;
        insert.Transaction = transaction;
        foreach (var append in batch)
        {
            if (append.Outcome != AppendOutcome.Appended)
            {
                continue;
            }

            var r = append.Record;
            var values = insert.Parameters;
            values[0].Value = append.Position;
            values[1].Value = r.DeviceId;
            values[2].Value = r.Tenant;
            values[3].Value = r.CredentialGeneration;
            values[4].Value = r.Topic;
            values[5].Value = (long)r.Epoch;
            values[6].Value = (long)r.Sequence;
            values[7].Value = r.DeviceTime;
            values[8].Value = r.GatewayTime;
            values[9].Value = (object?)r.ContentType ?? DBNull.Value;
            values[10].Value = r.Payload;
            values[11].Value = r.Signature;
            insert.ExecuteNonQuery();
        }

        // One row per device and generation per batch: its newest mark and its whole window.
        var mark = statements.Mark;
        mark.Transaction = transaction;
        foreach (var (key, window, last) in touched)
        {
            var values = mark.Parameters;
            values[0].Value = key.Item1;
            values[1].Value = key.Item2;
            values[2].Value = (long)window.LastEpoch;
            values[3].Value = (long)window.LastSequence;
            values[4].Value = last.Record.Signature;
            values[5].Value = window.ToBytes();
            mark.ExecuteNonQuery();
        }

        // With journal_mode=WAL and synchronous=FULL the commit fsyncs the WAL: once it returns, the
        // whole batch survives a crash (https://sqlite.org/pragma.html#pragma_synchronous).
        transaction.Commit();
    }

    private void Signal()
    {
        TaskCompletionSource signal;
        lock (_signalLock)
        {
            signal = _appended;
            _appended = NewSignal();
        }

        signal.TrySetResult();
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        JournalSchema.Execute(connection, "PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;");
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql) => JournalSchema.Execute(connection, sql);

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(Level = LogLevel.Error, Message = "The journal could not commit {Count} messages; their connections are closed without acknowledgement and the devices resend them")]
    private partial void LogCommitFailed(Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "A journal waiter failed")]
    private partial void LogWaiterFailed(Exception exception);

    /// <summary>
    /// The writer's connection and its two statements, prepared once and reused for every batch
    /// (Microsoft.Data.Sqlite prepares a command when it first runs and keeps it while the command lives).
    /// </summary>
    private sealed class WriterStatements : IDisposable
    {
        public WriterStatements(SqliteConnection connection)
        {
            Connection = connection;
            Insert = connection.CreateCommand();
            Insert.CommandText = """
                INSERT INTO records (position, device_id, tenant, generation, topic, epoch, seq, device_time, gateway_time, content_type, payload, signature)
                VALUES ($position, $device, $tenant, $generation, $topic, $epoch, $seq, $device_time, $gateway_time, $content_type, $payload, $signature)
                """;
            Insert.Parameters.Add("$position", SqliteType.Integer);
            Insert.Parameters.Add("$device", SqliteType.Text);
            Insert.Parameters.Add("$tenant", SqliteType.Text);
            Insert.Parameters.Add("$generation", SqliteType.Integer);
            Insert.Parameters.Add("$topic", SqliteType.Text);
            Insert.Parameters.Add("$epoch", SqliteType.Integer);
            Insert.Parameters.Add("$seq", SqliteType.Integer);
            Insert.Parameters.Add("$device_time", SqliteType.Integer);
            Insert.Parameters.Add("$gateway_time", SqliteType.Integer);
            Insert.Parameters.Add("$content_type", SqliteType.Text);
            Insert.Parameters.Add("$payload", SqliteType.Blob);
            Insert.Parameters.Add("$signature", SqliteType.Text);
            Mark = connection.CreateCommand();
            Mark.CommandText = """
                INSERT INTO marks (device_id, generation, epoch, seq, signature, recent) VALUES ($device, $generation, $epoch, $seq, $signature, $recent)
                ON CONFLICT (device_id, generation) DO UPDATE SET epoch = excluded.epoch, seq = excluded.seq, signature = excluded.signature, recent = excluded.recent
                """;
            Mark.Parameters.Add("$device", SqliteType.Text);
            Mark.Parameters.Add("$generation", SqliteType.Integer);
            Mark.Parameters.Add("$epoch", SqliteType.Integer);
            Mark.Parameters.Add("$seq", SqliteType.Integer);
            Mark.Parameters.Add("$signature", SqliteType.Text);
            Mark.Parameters.Add("$recent", SqliteType.Blob);
        }

        public SqliteConnection Connection { get; }

        public SqliteCommand Insert { get; }

        public SqliteCommand Mark { get; }

        public void Dispose()
        {
            Insert.Dispose();
            Mark.Dispose();
            Connection.Dispose();
        }
    }
}
