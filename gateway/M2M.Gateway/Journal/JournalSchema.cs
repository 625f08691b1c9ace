using Microsoft.Data.Sqlite;

namespace M2M.Gateway.Journal;

/// <summary>
/// The schema of <c>journal.db</c>, versioned like the registry's: SQLite's <c>PRAGMA user_version</c>
/// says how many of <see cref="Migrations"/> a file has had, each step runs in its own transaction,
/// and a file written by a newer gateway is refused rather than misread. Only ever append a step.
/// </summary>
internal static class JournalSchema
{
    /// <summary>Entry i takes the schema from version i to i + 1.</summary>
    internal static readonly string[] Migrations =
    [
        // 1: the first release's tables (files of that release have user_version 0 and these
        // tables already: IF NOT EXISTS makes the step a no-op for them).
        """
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
        """,

        // 2: the replay window of docs/protocol.md section 8 (ReplayWindow.ToBytes) beside the mark.
        "ALTER TABLE marks ADD COLUMN recent BLOB;",

        // 3: the relay's batch ledger: each batch's positions and JWS as first built, so a batch
        // built again after a restart is the same bytes (moved out by step 4).
        "CREATE TABLE relay_batches (first INTEGER PRIMARY KEY, last INTEGER NOT NULL, signature TEXT NOT NULL);",

        // 4: the ledger moved to its own file (BatchLedger, journal-batches.db): its writes waited for
        // journal.db's write lock behind the writer's commits, and the relay fell behind its ingest.
        "DROP TABLE relay_batches;",
    ];

    /// <summary>The version this gateway writes.</summary>
    internal static int CurrentVersion => Migrations.Length;

    /// <summary>Brings an open file to <see cref="CurrentVersion"/>.</summary>
    /// <exception cref="InvalidOperationException">The file is newer than this gateway.</exception>
    internal static void Migrate(SqliteConnection connection, string path)
    {
        // Must precede the first table (https://sqlite.org/pragma.html#pragma_auto_vacuum).
        Execute(connection, "PRAGMA auto_vacuum = INCREMENTAL; PRAGMA journal_mode = WAL;");
        using var read = connection.CreateCommand();
        read.CommandText = "PRAGMA user_version;";
        var version = (long)read.ExecuteScalar()!;
        if (version > CurrentVersion)
        {
            throw new InvalidOperationException(
                $"{path} has schema version {version}, newer than this gateway's {CurrentVersion}: it was written by a newer gateway. Upgrade the gateway.");
        }

        for (; version < CurrentVersion; version++)
        {
            using var transaction = connection.BeginTransaction(deferred: false);
            Execute(connection, Migrations[version], transaction);
            Execute(connection, $"PRAGMA user_version = {version + 1};", transaction);
            transaction.Commit();
        }
    }

    internal static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
