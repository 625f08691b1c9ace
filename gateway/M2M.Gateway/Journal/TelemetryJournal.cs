using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace M2M.Gateway.Journal;

/// <summary>
/// The durable journal between verification and relay (docs/ingress.md, "Journal"): one SQLite
/// database in WAL mode with <c>synchronous=FULL</c>, so a committed transaction survives a crash
/// at any point (kill -9 or power loss). Appends are group-committed: one writer drains every append
/// that is waiting into one transaction, so many devices share one fsync. The replay high-water
/// marks (docs/protocol.md section 8) are written in the same transaction as the message they
/// admit, and each sink's position lives here too. This file is the write side; the relay's side
/// (reading, sink positions, dead letters, retention) is TelemetryJournal.Relay.cs.
/// </summary>
public sealed partial class TelemetryJournal : IAsyncDisposable
{
    private const string FileName = "journal.db";
    private static readonly string[] RecordColumns = ["$device", "$tenant", "$generation", "$topic", "$epoch", "$seq", "$device_time", "$gateway_time", "$content_type", "$payload", "$signature"];
    private static readonly string[] MarkColumns = ["$device", "$generation", "$epoch", "$seq", "$signature"];

    private readonly string _connectionString;
    private readonly JournalOptions _options;
    private readonly Channel<PendingAppend> _appends = Channel.CreateBounded<PendingAppend>(
        new BoundedChannelOptions(16_384) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly ConcurrentDictionary<(string DeviceId, long Generation), ReplayMark> _marks = new();
    private readonly Task _writer;
    private readonly object _signalLock = new();
    private TaskCompletionSource _appended = NewSignal();
    private long _lastPosition;

    public TelemetryJournal(IOptions<JournalOptions> options, IConfiguration configuration)
        : this(Path.Combine(configuration["Gateway:DataDirectory"] ?? "data", FileName), options.Value)
    {
    }

    /// <summary>Opens (or creates) the journal at <paramref name="path"/>.</summary>
    public TelemetryJournal(string path, JournalOptions options)
    {
        _options = options;
        Hosting.PrivateFile.CreateIfMissing(path, createFolders: true);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString();
        using (var connection = Open())
        {
            Execute(connection, """
                PRAGMA auto_vacuum = INCREMENTAL;
                PRAGMA journal_mode = WAL;
                CREATE TABLE IF NOT EXISTS records (
                    position INTEGER PRIMARY KEY AUTOINCREMENT,
                    device_id TEXT NOT NULL, tenant TEXT NOT NULL, generation INTEGER NOT NULL,
                    topic TEXT NOT NULL, epoch INTEGER NOT NULL, seq INTEGER NOT NULL,
                    device_time INTEGER NOT NULL, gateway_time INTEGER NOT NULL,
                    content_type TEXT, payload BLOB NOT NULL, signature TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS marks (
                    device_id TEXT NOT NULL, generation INTEGER NOT NULL,
                    epoch INTEGER NOT NULL, seq INTEGER NOT NULL, signature TEXT NOT NULL,
                    PRIMARY KEY (device_id, generation));
                CREATE TABLE IF NOT EXISTS sink_positions (sink TEXT PRIMARY KEY, position INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS dead_letters (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, sink TEXT NOT NULL, position INTEGER NOT NULL,
                    attempts INTEGER NOT NULL, error TEXT NOT NULL, failed_at INTEGER NOT NULL, event TEXT NOT NULL);
                """);
            using var marks = connection.CreateCommand();
            marks.CommandText = "SELECT device_id, generation, epoch, seq, signature FROM marks";
            using (var reader = marks.ExecuteReader())
            {
                while (reader.Read())
                {
                    _marks[(reader.GetString(0), reader.GetInt64(1))] = new ReplayMark((uint)reader.GetInt64(2), (uint)reader.GetInt64(3), reader.GetString(4));
                }
            }

            // The highest position ever handed out, even if retention deleted that record since.
            using var last = connection.CreateCommand();
            last.CommandText = "SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'records'), 0)";
            _lastPosition = Convert.ToInt64(last.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }

        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>The position of the newest record.</summary>
    public long LastPosition => Interlocked.Read(ref _lastPosition);

    /// <summary>The replay mark of a device's credential generation, or null before its first message.</summary>
    public ReplayMark? GetMark(string deviceId, long generation) =>
        _marks.TryGetValue((deviceId, generation), out var mark) ? mark : null;

    /// <summary>
    /// Appends a verified message and moves its device's mark; completes only once the transaction
    /// holding both is durable, with the record's position.
    /// </summary>
    public async Task<long> AppendAsync(JournalRecord record, CancellationToken cancellationToken)
    {
        var pending = new PendingAppend(record);
        await _appends.Writer.WriteAsync(pending, cancellationToken).ConfigureAwait(false);
        return await pending.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

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
        _appends.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
        SqliteConnection.ClearAllPools();
    }

    private async Task WriteLoopAsync()
    {
        using var connection = Open();
        var batch = new List<PendingAppend>(_options.MaxBatch);
        while (await _appends.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < _options.MaxBatch && _appends.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            try
            {
                Commit(connection, batch);
            }
            catch (Exception exception) when (exception is SqliteException or IOException or InvalidOperationException)
            {
                // Nothing of the batch is durable: every waiting PUBLISH is refused and the device resends it.
                foreach (var pending in batch)
                {
                    pending.Completion.TrySetException(exception);
                }

                continue;
            }

            foreach (var pending in batch)
            {
                var r = pending.Record;
                _marks[(r.DeviceId, r.CredentialGeneration)] = new ReplayMark(r.Epoch, r.Sequence, r.Signature);
                OnCommitted(pending.Position, r);
                pending.Completion.TrySetResult(pending.Position);
            }

            Interlocked.Exchange(ref _lastPosition, batch[^1].Position);
            TaskCompletionSource signal;
            lock (_signalLock)
            {
                signal = _appended;
                _appended = NewSignal();
            }

            signal.TrySetResult();
        }
    }

    private static void Commit(SqliteConnection connection, List<PendingAppend> batch)
    {
        using var transaction = connection.BeginTransaction();
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO records (device_id, tenant, generation, topic, epoch, seq, device_time, gateway_time, content_type, payload, signature)
            VALUES ($device, $tenant, $generation, $topic, $epoch, $seq, $device_time, $gateway_time, $content_type, $payload, $signature)
            RETURNING position
            """;
        var parameters = RecordColumns.Select(name => insert.Parameters.Add(new SqliteParameter { ParameterName = name })).ToArray();
        using var mark = connection.CreateCommand();
        mark.Transaction = transaction;
        mark.CommandText = """
            INSERT INTO marks (device_id, generation, epoch, seq, signature) VALUES ($device, $generation, $epoch, $seq, $signature)
            ON CONFLICT (device_id, generation) DO UPDATE SET epoch = excluded.epoch, seq = excluded.seq, signature = excluded.signature
            """;
        var markParameters = MarkColumns.Select(name => mark.Parameters.Add(new SqliteParameter { ParameterName = name })).ToArray();

        foreach (var pending in batch)
        {
            var r = pending.Record;
            object?[] values = [r.DeviceId, r.Tenant, r.CredentialGeneration, r.Topic, (long)r.Epoch, (long)r.Sequence, r.DeviceTime, r.GatewayTime, (object?)r.ContentType ?? DBNull.Value, r.Payload, r.Signature];
            for (var i = 0; i < values.Length; i++)
            {
                parameters[i].Value = values[i];
            }

            pending.Position = (long)insert.ExecuteScalar()!;
            object[] markValues = [r.DeviceId, r.CredentialGeneration, (long)r.Epoch, (long)r.Sequence, r.Signature];
            for (var i = 0; i < markValues.Length; i++)
            {
                markParameters[i].Value = markValues[i];
            }

            mark.ExecuteNonQuery();
        }

        // With journal_mode=WAL and synchronous=FULL the commit fsyncs the WAL: once it returns, the
        // whole batch survives a crash (https://sqlite.org/pragma.html#pragma_synchronous).
        transaction.Commit();
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        Execute(connection, "PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;");
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class PendingAppend(JournalRecord record)
    {
        public JournalRecord Record { get; } = record;

        public long Position { get; set; }

        public TaskCompletionSource<long> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
