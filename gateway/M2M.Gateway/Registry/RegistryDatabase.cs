using System.Data.Common;
using M2M.Gateway.Hosting;
using Microsoft.Data.Sqlite;

namespace M2M.Gateway.Registry;

/// <summary>
/// The SQLite file <c>registry.db</c> in the data folder: devices, API keys and service clients. Its schema
/// version is SQLite's <c>PRAGMA user_version</c>; <see cref="Migrations"/> takes any older file
/// forward, one step per version, each in its own transaction, and a file written by a newer gateway
/// is refused rather than misread.
/// </summary>
public sealed class RegistryDatabase : IRegistryDatabase
{
    /// <summary>The file's name in the data folder.</summary>
    public const string FileName = "registry.db";

    /// <summary>
    /// Forward migrations: entry i takes the schema from version i to i + 1. Only ever append; a
    /// released step is never edited, since files in the field are already past it.
    /// </summary>
    internal static readonly string[] Migrations =
    [
        // 1: devices. The secret column holds only AES-GCM ciphertext (Secrets/AesGcmSecretProtector).
        """
        CREATE TABLE devices (
            id TEXT NOT NULL PRIMARY KEY,
            tenant TEXT NOT NULL,
            roles TEXT NOT NULL,
            enabled INTEGER NOT NULL,
            generation INTEGER NOT NULL,
            secret BLOB NOT NULL,
            created_at INTEGER NOT NULL,
            last_seen_at INTEGER NULL
        ) STRICT;
        """,

        // 2: admin API keys, stored as SHA-256 hashes only.
        """
        CREATE TABLE admin_keys (
            id TEXT NOT NULL PRIMARY KEY,
            hash BLOB NOT NULL UNIQUE,
            created_at INTEGER NOT NULL
        ) STRICT;
        """,

        // 3: identity binding (docs/admin-api.md, "Deleting a device and registering it again"). A
        // deleted device leaves a tombstone (deleted_at set, secret wiped) so that its id's credential
        // generation never restarts; credential_since is when the current secret came into force
        // (registration or rotation), the bound of trusted external issuers' tokens (docs/tokens.md).
        // Rows of older files take their created_at: the earliest their secret can date from.
        """
        ALTER TABLE devices ADD COLUMN deleted_at INTEGER NULL;
        ALTER TABLE devices ADD COLUMN credential_since INTEGER NOT NULL DEFAULT 0;
        UPDATE devices SET credential_since = created_at;
        """,

        // 4: API keys for people and machines (docs/admin-api.md, "API keys"): a name, built-in roles,
        // an optional tenant scope and expiry, revocation kept as a time (the row stays for the audit
        // trail), when its current secret came into force, and its last use (coalesced). The key that
        // existed before is the bootstrap key: a global admin.
        """
        ALTER TABLE admin_keys ADD COLUMN name TEXT NOT NULL DEFAULT 'bootstrap';
        ALTER TABLE admin_keys ADD COLUMN roles TEXT NOT NULL DEFAULT '["admin"]';
        ALTER TABLE admin_keys ADD COLUMN tenant TEXT NULL;
        ALTER TABLE admin_keys ADD COLUMN expires_at INTEGER NULL;
        ALTER TABLE admin_keys ADD COLUMN revoked_at INTEGER NULL;
        ALTER TABLE admin_keys ADD COLUMN secret_since INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE admin_keys ADD COLUMN last_used_at INTEGER NULL;
        UPDATE admin_keys SET secret_since = created_at;
        """,

        // 5: cloud-to-device commands (docs/protocol.md section 11, docs/admin-api.md "Commands"). A
        // device's sequence numbers live apart from its commands so that they never restart.
        """
        CREATE TABLE command_sequences (
            device_id TEXT NOT NULL PRIMARY KEY,
            last_sequence INTEGER NOT NULL
        ) STRICT;
        CREATE TABLE commands (
            device_id TEXT NOT NULL,
            sequence INTEGER NOT NULL,
            name TEXT NOT NULL,
            arguments TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            status TEXT NOT NULL,
            deliveries INTEGER NOT NULL,
            delivered_at INTEGER NULL,
            completed_at INTEGER NULL,
            detail TEXT NULL,
            PRIMARY KEY (device_id, sequence)
        ) STRICT;
        """,

        // 6: over-the-air secret rotation (docs/protocol.md section 12, docs/admin-api.md "Over-the-air
        // rotation"). One row per rotation, keyed by its rotate-secret command; the gateway's ephemeral
        // private key and the pending S' are AES-GCM ciphertext, wiped (NULL) once no longer needed.
        // base_generation is the credential generation of the S the exchange was bound to. A device's
        // periodic rotation interval lives on its row (NULL: none).
        """
        CREATE TABLE secret_rotations (
            device_id TEXT NOT NULL,
            command_sequence INTEGER NOT NULL,
            state TEXT NOT NULL,
            base_generation INTEGER NOT NULL,
            gateway_public BLOB NOT NULL,
            gateway_private BLOB NULL,
            pending_secret BLOB NULL,
            started_at INTEGER NOT NULL,
            deadline INTEGER NOT NULL,
            finished_at INTEGER NULL,
            reason TEXT NULL,
            actor TEXT NOT NULL,
            PRIMARY KEY (device_id, command_sequence)
        ) STRICT;
        CREATE INDEX secret_rotations_active ON secret_rotations (state, deadline);
        ALTER TABLE devices ADD COLUMN rotate_every_s INTEGER NULL;
        """,

        // 7: service clients (docs/tokens.md, "Service clients"), stored as API keys are: the same
        // table, the same SHA-256 of a random secret, told apart by kind ('key' or 'client'). A
        // client's id is the OAuth client id its owner chose. generation grows at every rotation of
        // the secret: the gateway's tokens name it (m2m_gen), so a rotation ends every earlier token.
        """
        ALTER TABLE admin_keys ADD COLUMN kind TEXT NOT NULL DEFAULT 'key';
        ALTER TABLE admin_keys ADD COLUMN generation INTEGER NOT NULL DEFAULT 1;
        """,
    ];

    private readonly Lock _migrateLock = new();
    private bool _migrated;

    public RegistryDatabase(DataDirectory dataDirectory)
        : this(dataDirectory.Combine(FileName))
    {
    }

    public RegistryDatabase(string path)
    {
        Path = path;
        ConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 10,
        }.ToString();
    }

    /// <summary>The schema version this gateway writes.</summary>
    public static int CurrentVersion => Migrations.Length;

    /// <summary>The file's path.</summary>
    public string Path { get; }

    private string ConnectionString { get; }

    /// <inheritdoc />
    public string Describe => Path;

    /// <inheritdoc />
    public string ForUpdate => string.Empty;

    /// <inheritdoc />
    public string Greatest => "max";

    /// <inheritdoc />
    public Task MigrateAsync(CancellationToken cancellationToken)
    {
        EnsureMigrated();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    async Task<DbConnection> IRegistryDatabase.OpenAsync(CancellationToken cancellationToken) => await OpenAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    /// <remarks>BEGIN IMMEDIATE takes the file's write lock at once, so the table needs no lock of its own.</remarks>
    public Task<DbTransaction> BeginWriteAsync(DbConnection connection, string? exclusiveTable, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    /// <inheritdoc />
    public string JsonArrayHolds(string column, string value) => $"EXISTS (SELECT 1 FROM json_each({column}) WHERE value = {value})";

    /// <inheritdoc />
    public string ValuesOf(string parameter) => $"SELECT value FROM json_each({parameter})";

    /// <inheritdoc />
    public Task SecretsOverwrittenAsync(CancellationToken cancellationToken) => CheckpointAsync(cancellationToken);

    /// <summary>Opens a connection to a migrated database.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        EnsureMigrated();
        var connection = await OpenRawAsync(cancellationToken).ConfigureAwait(false);

        // A rotated or deleted secret's ciphertext is overwritten with zeros in the file rather than
        // left in a free page (SQLite's secure_delete is per connection, pooled ones included).
        Execute(connection, "PRAGMA secure_delete = ON;");
        return connection;
    }

    /// <summary>
    /// Copies the write-ahead log into the file and empties it (best effort: readers may hold it), so
    /// that a page overwritten a moment ago (a wiped or rotated-away secret's ciphertext, zeroed by
    /// <c>secure_delete</c>) leaves no older copy in either file.
    /// </summary>
    public async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Creates the file if needed and applies the migrations it lacks; idempotent.</summary>
    /// <exception cref="InvalidOperationException">The file's schema is newer than this gateway's.</exception>
    public void EnsureMigrated()
    {
        lock (_migrateLock)
        {
            if (!_migrated)
            {
                MigrateTo(CurrentVersion);
                _migrated = true;
            }
        }
    }

    /// <summary>Applies the migrations up to <paramref name="targetVersion"/> (tests build older files with it).</summary>
    internal void MigrateTo(int targetVersion)
    {
        PrivateFile.CreateIfMissing(Path);
        using var connection = OpenRawAsync(CancellationToken.None).GetAwaiter().GetResult();
        Execute(connection, "PRAGMA journal_mode = WAL;");
        var version = ReadVersion(connection);
        if (version > CurrentVersion)
        {
            throw new InvalidOperationException(
                $"{Path} has schema version {version}, newer than this gateway's {CurrentVersion}: it was written by a newer gateway. Upgrade the gateway.");
        }

        for (; version < targetVersion; version++)
        {
            using var transaction = connection.BeginTransaction(deferred: false);
            Execute(connection, Migrations[version], transaction);
            Execute(connection, $"PRAGMA user_version = {version + 1};", transaction);
            transaction.Commit();
        }
    }

    /// <summary>The schema version of the file.</summary>
    internal static long ReadVersion(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version;";
        return (long)command.ExecuteScalar()!;
    }

    private async Task<SqliteConnection> OpenRawAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
