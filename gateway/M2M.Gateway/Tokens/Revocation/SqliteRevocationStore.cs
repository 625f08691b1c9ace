using M2M.Gateway.Hosting;
using Microsoft.Data.Sqlite;

namespace M2M.Gateway.Tokens.Revocation;

/// <summary>
/// Revocations in SQLite in the data folder (<c>revoked-tokens.db</c>, WAL, <c>synchronous=FULL</c>)
/// so a restart forgets none. Revocations are rare; one at a time.
/// </summary>
public sealed class SqliteRevocationStore : IRevocationStore
{
    /// <summary>The file's name in the data folder.</summary>
    public const string FileName = "revoked-tokens.db";

    private readonly SemaphoreSlim _write = new(1, 1);
    private readonly SqliteConnection _connection;

    public SqliteRevocationStore(DataDirectory data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var path = data.Combine(FileName);
        PrivateFile.CreateIfMissing(path);
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _connection.Open();
        using var setup = _connection.CreateCommand();
        setup.CommandText = """
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = FULL;
            CREATE TABLE IF NOT EXISTS revoked_tokens (
                jti TEXT NOT NULL PRIMARY KEY, device_id TEXT NOT NULL, tenant TEXT NOT NULL,
                remember_until INTEGER NOT NULL, revoked_at INTEGER NOT NULL, revoked_by TEXT NOT NULL) WITHOUT ROWID;
            """;
        setup.ExecuteNonQuery();
    }

    /// <inheritdoc />
    public IReadOnlyList<RevocationEntry> Load(long now)
    {
        Prune(now);
        using var read = _connection.CreateCommand();
        read.CommandText = "SELECT jti, device_id, remember_until FROM revoked_tokens";
        using var reader = read.ExecuteReader();
        var entries = new List<RevocationEntry>();
        while (reader.Read())
        {
            entries.Add(new RevocationEntry(reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
        }

        return entries;
    }

    /// <inheritdoc />
    public async Task<bool> AddAsync(RevokedToken token, long rememberUntil, long now, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        await _write.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Prune(now);
            using var insert = _connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO revoked_tokens (jti, device_id, tenant, remember_until, revoked_at, revoked_by)
                VALUES ($jti, $device, $tenant, $until, $now, $actor) ON CONFLICT (jti) DO NOTHING
                """;
            insert.Parameters.AddWithValue("$jti", token.TokenId);
            insert.Parameters.AddWithValue("$device", token.DeviceId);
            insert.Parameters.AddWithValue("$tenant", token.Tenant);
            insert.Parameters.AddWithValue("$until", rememberUntil);
            insert.Parameters.AddWithValue("$now", now);
            insert.Parameters.AddWithValue("$actor", actor);

            // Autocommit with synchronous=FULL: the row is on disk when the statement returns.
            return await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }
        finally
        {
            _write.Release();
        }
    }

    /// <inheritdoc />
    public void Watch(Action<IReadOnlyList<RevocationEntry>> heard)
    {
        // Only this gateway writes the file: there is nothing to hear.
    }

    public void Dispose()
    {
        _connection.Dispose();
        _write.Dispose();
    }

    private void Prune(long now)
    {
        using var delete = _connection.CreateCommand();
        delete.CommandText = "DELETE FROM revoked_tokens WHERE remember_until <= $now";
        delete.Parameters.AddWithValue("$now", now);
        delete.ExecuteNonQuery();
    }
}
