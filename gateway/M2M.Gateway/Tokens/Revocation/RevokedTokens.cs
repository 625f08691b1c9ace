using System.Collections.Concurrent;
using M2M.Gateway.Hosting;
using M2M.Gateway.Ingress.Seams;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace M2M.Gateway.Tokens.Revocation;

/// <summary>An access token to revoke: what the store keeps of it (never the token itself).</summary>
/// <param name="TokenId">Its <c>jti</c>.</param>
/// <param name="DeviceId">Its <c>sub</c>.</param>
/// <param name="Tenant">Its <c>tenant</c> claim.</param>
/// <param name="ExpiresAt">Its <c>exp</c>.</param>
public sealed record RevokedToken(string TokenId, string DeviceId, string Tenant, DateTimeOffset ExpiresAt);

/// <summary>
/// The revoked access tokens of this gateway (RFC 7009 section 2), by <c>jti</c>, in SQLite in the
/// data folder (<c>revoked-tokens.db</c>, WAL, <c>synchronous=FULL</c>) so a restart forgets none,
/// and in memory, where every CONNECT, renewal and session revalidation asks. Each is kept until its
/// token's <c>exp</c> + the clock skew (after that the validation refuses the token as expired
/// anyway), then pruned at the next revocation or start. Revocations are rare; one at a time.
/// </summary>
public sealed class RevokedTokens : ITokenRevocations, IDisposable
{
    /// <summary>The file's name in the data folder.</summary>
    public const string FileName = "revoked-tokens.db";

    private readonly ConcurrentDictionary<string, long> _revoked = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _write = new(1, 1);
    private readonly SqliteConnection _connection;
    private readonly TimeProvider _time;
    private readonly TimeSpan _skew;

    public RevokedTokens(DataDirectory data, TimeProvider time, IOptions<TokenOptions> options)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        _time = time;
        _skew = options.Value.ClockSkew;
        var path = data.Combine(FileName);
        PrivateFile.CreateIfMissing(path);
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());

        // Opened and read here, so a store that cannot be read stops the gateway at start rather
        // than letting a revoked token through.
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
        Prune(_time.GetUtcNow().ToUnixTimeSeconds());
        using var read = _connection.CreateCommand();
        read.CommandText = "SELECT jti, remember_until FROM revoked_tokens";
        using var reader = read.ExecuteReader();
        while (reader.Read())
        {
            _revoked[reader.GetString(0)] = reader.GetInt64(1);
        }
    }

    public event EventHandler<string>? TokenRevoked;

    /// <summary>Number of revocations remembered (expired ones are pruned at the next revocation).</summary>
    public int Count => _revoked.Count;

    public bool IsRevoked(string tokenId) => _revoked.ContainsKey(tokenId);

    /// <summary>
    /// Revokes <paramref name="token"/> durably, then announces it (<see cref="TokenRevoked"/>); false
    /// when it was revoked already. Throws <see cref="SqliteException"/> when it could not be made durable.
    /// </summary>
    public async Task<bool> RevokeAsync(RevokedToken token, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        var rememberUntil = (token.ExpiresAt + _skew).ToUnixTimeSeconds();
        bool added;
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
            added = await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
            _revoked[token.TokenId] = rememberUntil;
        }
        finally
        {
            _write.Release();
        }

        if (added)
        {
            TokenRevoked?.Invoke(this, token.DeviceId);
        }

        return added;
    }

    public void Dispose()
    {
        _connection.Dispose();
        _write.Dispose();
    }

    /// <summary>Forgets the revocations of tokens that expired (beyond the skew) before <paramref name="now"/>.</summary>
    private void Prune(long now)
    {
        using var delete = _connection.CreateCommand();
        delete.CommandText = "DELETE FROM revoked_tokens WHERE remember_until <= $now";
        delete.Parameters.AddWithValue("$now", now);
        delete.ExecuteNonQuery();
        foreach (var (jti, until) in _revoked)
        {
            if (until <= now)
            {
                _revoked.TryRemove(new KeyValuePair<string, long>(jti, until));
            }
        }
    }
}
