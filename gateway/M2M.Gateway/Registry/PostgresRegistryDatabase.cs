using System.Data.Common;
using M2M.Gateway.Cluster;
using Npgsql;

namespace M2M.Gateway.Registry;

/// <summary>
/// The registry in the cluster's shared PostgreSQL database (Cluster mode, docs/scaling.md): the
/// tables of <c>registry.db</c> with the same names, columns and meaning, so each store's SQL runs
/// on both. Times stay Unix milliseconds (<c>bigint</c>), flags 0/1 and role lists JSON text, as in
/// SQLite. Identifier columns use the "C" collation, so ids order byte by byte as in SQLite (the
/// device list pages by id). Its versions are part <see cref="Part"/> of
/// <see cref="PostgresMigrations"/>.
/// </summary>
public sealed class PostgresRegistryDatabase(NpgsqlDataSource dataSource) : IRegistryDatabase, IDisposable
{
    /// <summary>The part name of the registry's schema in <c>m2m_schema</c>.</summary>
    public const string Part = "registry";

    /// <summary>Forward migrations of part <see cref="Part"/>; only ever append.</summary>
    internal static readonly string[] Migrations =
    [
        // 1: everything registry.db holds at its version 7 (RegistryDatabase.Migrations says what
        // each table and column is for). Secrets are AES-GCM ciphertext under the cluster's master key.
        """
        CREATE TABLE devices (
            id text COLLATE "C" NOT NULL PRIMARY KEY,
            tenant text NOT NULL,
            roles text NOT NULL,
            enabled bigint NOT NULL,
            generation bigint NOT NULL,
            secret bytea NOT NULL,
            created_at bigint NOT NULL,
            last_seen_at bigint NULL,
            deleted_at bigint NULL,
            credential_since bigint NOT NULL,
            rotate_every_s bigint NULL
        );
        CREATE TABLE admin_keys (
            id text COLLATE "C" NOT NULL PRIMARY KEY,
            hash bytea NOT NULL UNIQUE,
            created_at bigint NOT NULL,
            name text NOT NULL,
            roles text NOT NULL,
            tenant text NULL,
            expires_at bigint NULL,
            revoked_at bigint NULL,
            secret_since bigint NOT NULL,
            last_used_at bigint NULL,
            kind text NOT NULL,
            generation bigint NOT NULL
        );
        CREATE TABLE command_sequences (
            device_id text COLLATE "C" NOT NULL PRIMARY KEY,
            last_sequence bigint NOT NULL
        );
        CREATE TABLE commands (
            device_id text COLLATE "C" NOT NULL,
            sequence bigint NOT NULL,
            name text NOT NULL,
            arguments text NOT NULL,
            created_at bigint NOT NULL,
            expires_at bigint NOT NULL,
            status text NOT NULL,
            deliveries integer NOT NULL,
            delivered_at bigint NULL,
            completed_at bigint NULL,
            detail text NULL,
            PRIMARY KEY (device_id, sequence)
        );
        CREATE TABLE secret_rotations (
            device_id text COLLATE "C" NOT NULL,
            command_sequence bigint NOT NULL,
            state text NOT NULL,
            base_generation bigint NOT NULL,
            gateway_public bytea NOT NULL,
            gateway_private bytea NULL,
            pending_secret bytea NULL,
            started_at bigint NOT NULL,
            deadline bigint NOT NULL,
            finished_at bigint NULL,
            reason text NULL,
            actor text NOT NULL,
            PRIMARY KEY (device_id, command_sequence)
        );
        CREATE INDEX secret_rotations_active ON secret_rotations (state, deadline);
        """,
    ];

    private readonly PostgresSchema _schema = new(dataSource, Part, Migrations);

    /// <inheritdoc />
    public string Describe
    {
        get
        {
            var builder = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
            return $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database}";
        }
    }

    /// <inheritdoc />
    public string ForUpdate => " FOR UPDATE";

    /// <inheritdoc />
    public string Greatest => "GREATEST";

    /// <summary>The schema version this gateway writes.</summary>
    public static int CurrentVersion => Migrations.Length;

    /// <inheritdoc />
    public Task MigrateAsync(CancellationToken cancellationToken) => _schema.EnsureAsync(cancellationToken);

    /// <inheritdoc />
    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<DbTransaction> BeginWriteAsync(DbConnection connection, string? exclusiveTable, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (exclusiveTable != null)
        {
            // Held to the transaction's end; SHARE ROW EXCLUSIVE conflicts with itself and with
            // ROW EXCLUSIVE (every INSERT/UPDATE), not with plain reads.
            using var command = connection.Command($"LOCK TABLE {exclusiveTable} IN SHARE ROW EXCLUSIVE MODE", transaction);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return transaction;
    }

    /// <inheritdoc />
    public string JsonArrayHolds(string column, string value) => $"EXISTS (SELECT 1 FROM jsonb_array_elements_text(CAST({column} AS jsonb)) AS e(value) WHERE e.value = {value})";

    /// <inheritdoc />
    public string ValuesOf(string parameter) => $"SELECT jsonb_array_elements_text(CAST({parameter} AS jsonb))";

    /// <inheritdoc />
    public Task SecretsOverwrittenAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _schema.Dispose();
}
