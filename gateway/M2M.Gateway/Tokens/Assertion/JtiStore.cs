using M2M.Gateway.Hosting;
using Microsoft.Data.Sqlite;

namespace M2M.Gateway.Tokens.Assertion;

/// <summary>
/// The assertion ids already used, per device (docs/protocol.md section 3.2 rule 5; RFC 7523
/// section 3 item 7), in SQLite in the data folder (<c>jti.db</c>) so a restart forgets none. Each is
/// kept until its assertion's <c>exp</c> + skew; after that the assertion is refused as expired anyway.
/// The token endpoint and in-band renewal share this one store.
/// </summary>
public sealed class JtiStore : IDisposable
{
    private const string FileName = "jti.db";

    // Expired rows are deleted every this many uses, keeping the table as small as the live assertions.
    private const int PurgeEvery = 256;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _consume;
    private readonly SqliteCommand _purge;
    private int _uses;

    public JtiStore(DataDirectory data)
    {
        var path = data.Combine(FileName);
        PrivateFile.CreateIfMissing(path);
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _connection.Open();
        using (var setup = _connection.CreateCommand())
        {
            setup.CommandText = """
                PRAGMA journal_mode = WAL;
                PRAGMA synchronous = FULL;
                CREATE TABLE IF NOT EXISTS used_jti (
                    device_id TEXT NOT NULL, jti TEXT NOT NULL, expires_at INTEGER NOT NULL,
                    PRIMARY KEY (device_id, jti)) WITHOUT ROWID;
                """;
            setup.ExecuteNonQuery();
        }

        // One statement decides atomically: a new id is inserted, a forgotten (expired) one is
        // taken again, a remembered one changes nothing.
        _consume = _connection.CreateCommand();
        _consume.CommandText = """
            INSERT INTO used_jti (device_id, jti, expires_at) VALUES ($device, $jti, $until)
            ON CONFLICT (device_id, jti) DO UPDATE SET expires_at = excluded.expires_at WHERE used_jti.expires_at <= $now
            """;
        _consume.Parameters.Add(new SqliteParameter("$device", SqliteType.Text));
        _consume.Parameters.Add(new SqliteParameter("$jti", SqliteType.Text));
        _consume.Parameters.Add(new SqliteParameter("$until", SqliteType.Integer));
        _consume.Parameters.Add(new SqliteParameter("$now", SqliteType.Integer));
        _purge = _connection.CreateCommand();
        _purge.CommandText = "DELETE FROM used_jti WHERE expires_at <= $now";
        _purge.Parameters.Add(new SqliteParameter("$now", SqliteType.Integer));
    }

    /// <summary>Records <paramref name="jti"/> for the device until <paramref name="rememberUntil"/>; false when it was used before.</summary>
    public async Task<bool> TryConsumeAsync(string deviceId, string jti, DateTimeOffset now, DateTimeOffset rememberUntil, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var nowSeconds = now.ToUnixTimeSeconds();
            if (++_uses % PurgeEvery == 0)
            {
                _purge.Parameters["$now"].Value = nowSeconds;
                _purge.ExecuteNonQuery();
            }

            _consume.Parameters["$device"].Value = deviceId;
            _consume.Parameters["$jti"].Value = jti;
            _consume.Parameters["$until"].Value = rememberUntil.ToUnixTimeSeconds();
            _consume.Parameters["$now"].Value = nowSeconds;
            return _consume.ExecuteNonQuery() == 1;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _consume.Dispose();
        _purge.Dispose();
        _connection.Dispose();
        _gate.Dispose();
    }
}
