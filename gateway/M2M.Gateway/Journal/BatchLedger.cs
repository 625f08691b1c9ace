using Microsoft.Data.Sqlite;

namespace M2M.Gateway.Journal;

/// <summary>
/// The relay's batch ledger (docs/ingress.md, "Relay", stage "build and sign"): each batch's first
/// and last position and its JWS, entered before any sink delivers it, so a batch built again (after
/// a restart, for a sink resuming inside it) is the same bytes. Its own SQLite file beside the
/// journal's (<see cref="PathFor"/>: <c>journal-batches.db</c>): an entry per batch written into journal.db
/// waited for its write lock behind the journal writer's fsynced commits, and the relay fell behind
/// its ingest (the benchmark's sink rate dropped from about 35,000 to 6,000 records/s). One
/// connection, kept open, used under a lock (the relay builds one batch at a time; retention prunes).
/// </summary>
public sealed partial class BatchLedger : IBatchLedger, IDisposable
{
    /// <summary>The ledger of the journal at <paramref name="journalPath"/>: <c>{name}-batches.db</c> in its folder.</summary>
    public static string PathFor(string journalPath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(journalPath))!, Path.GetFileNameWithoutExtension(journalPath) + "-batches.db");

    private const int Version = 1;
    private readonly Lock _lock = new();
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _find;
    private readonly SqliteCommand _keep;
    private readonly SqliteCommand _prune;
    private readonly SqliteCommand _replace;

    // The highest position any entry covers: the relay at the head builds past it, so it needs no
    // lookup (one query fewer per batch there, where batches are small and many).
    private long _newest;

    private readonly ILogger _logger;

    public BatchLedger(string path, ILogger? logger = null)
    {
        _logger = logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        Hosting.PrivateFile.CreateIfMissing(path, createFolders: true);
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _connection.Open();

        // synchronous = NORMAL: an entry survives the gateway process being killed, the case the
        // ledger is for, without an fsync per batch; a power loss may take the newest entries, whose
        // records are then signed again in other batches (https://sqlite.org/pragma.html#pragma_synchronous).
        JournalSchema.Execute(_connection, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
        using (var read = _connection.CreateCommand())
        {
            read.CommandText = "PRAGMA user_version;";
            var version = (long)read.ExecuteScalar()!;
            if (version > Version)
            {
                _connection.Dispose();
                throw new InvalidOperationException($"{path} has schema version {version}, newer than this gateway's {Version}: it was written by a newer gateway. Upgrade the gateway.");
            }
        }

        JournalSchema.Execute(_connection, $"CREATE TABLE IF NOT EXISTS relay_batches (first INTEGER PRIMARY KEY, last INTEGER NOT NULL, signature TEXT NOT NULL); PRAGMA user_version = {Version};");

        _find = _connection.CreateCommand();
        _find.CommandText = """
            SELECT first, last, signature FROM (SELECT * FROM relay_batches WHERE first <= $next ORDER BY first DESC LIMIT 1) WHERE last >= $next
            UNION ALL
            SELECT first, last, signature FROM (SELECT * FROM relay_batches WHERE first > $next ORDER BY first LIMIT 1)
            """;
        _find.Parameters.Add(new SqliteParameter("$next", 0L));

        _keep = _connection.CreateCommand();
        _keep.CommandText = "INSERT OR REPLACE INTO relay_batches (first, last, signature) VALUES ($first, $last, $signature)";
        _keep.Parameters.Add(new SqliteParameter("$first", 0L));
        _keep.Parameters.Add(new SqliteParameter("$last", 0L));
        _keep.Parameters.Add(new SqliteParameter("$signature", string.Empty));

        // A batch signed anew over the end of one whose start retention deleted replaces it.
        _replace = _connection.CreateCommand();
        _replace.CommandText = "DELETE FROM relay_batches WHERE first = (SELECT first FROM relay_batches WHERE first < $first ORDER BY first DESC LIMIT 1) AND last >= $first";
        _replace.Parameters.Add(new SqliteParameter("$first", 0L));

        using var newest = _connection.CreateCommand();
        newest.CommandText = "SELECT COALESCE(MAX(last), 0) FROM relay_batches";
        _newest = (long)newest.ExecuteScalar()!;

        _prune = _connection.CreateCommand();
        _prune.CommandText = "DELETE FROM relay_batches WHERE last <= $passed";
        _prune.Parameters.Add(new SqliteParameter("$passed", 0L));
    }

    /// <summary>
    /// The batch that holds position <paramref name="after"/> + 1, or else the first one after it;
    /// null when there is none. Batches of the ledger never overlap.
    /// </summary>
    public SignedBatch? Find(long after)
    {
        lock (_lock)
        {
            if (after >= _newest)
            {
                return null;
            }

            _find.Parameters[0].Value = after + 1;
            using var reader = _find.ExecuteReader();
            return reader.Read() ? new SignedBatch(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2)) : null;
        }
    }

    /// <summary>
    /// Enters a batch before any sink delivers it: one statement (its own transaction) for a batch
    /// past every entry, the common case; a batch over the end of an entry replaces that one.
    /// False when it could not be written (a full disk, an I/O error): the batch is delivered all
    /// the same, since the ledger only makes a repeat the same bytes, and nothing acknowledged may
    /// wait for it; a repeat of that batch is then signed anew.
    /// </summary>
    public bool Keep(SignedBatch batch)
    {
        try
        {
            KeepOrThrow(batch);
            return true;
        }
        catch (SqliteException exception)
        {
            LogKeepFailed(batch.First, batch.Last, exception.SqliteErrorCode);
            return false;
        }
    }

    private void KeepOrThrow(SignedBatch batch)
    {
        lock (_lock)
        {
            using var transaction = batch.First <= _newest ? _connection.BeginTransaction() : null;
            if (transaction != null)
            {
                _replace.Transaction = transaction;
                _replace.Parameters[0].Value = batch.First;
                _replace.ExecuteNonQuery();
            }

            _keep.Transaction = transaction;
            _keep.Parameters[0].Value = batch.First;
            _keep.Parameters[1].Value = batch.Last;
            _keep.Parameters[2].Value = batch.Signature;
            _keep.ExecuteNonQuery();
            transaction?.Commit();
            _keep.Transaction = _replace.Transaction = null;
            _newest = Math.Max(_newest, batch.Last);
        }
    }

    /// <summary>Drops the batches that end at or before <paramref name="passed"/>.</summary>
    public void Prune(long passed)
    {
        lock (_lock)
        {
            _prune.Parameters[0].Value = passed;
            _prune.ExecuteNonQuery();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The relay's batch ledger could not keep the batch of positions {First} to {Last} (SQLite error {Code}); it is delivered all the same, and a repeat of it after a restart is signed anew")]
    private partial void LogKeepFailed(long first, long last, int code);

    public void Dispose()
    {
        lock (_lock)
        {
            _find.Dispose();
            _keep.Dispose();
            _prune.Dispose();
            _replace.Dispose();
            _connection.Dispose();
        }
    }
}
