using M2M.Gateway.Cluster;
using Npgsql;

namespace M2M.Gateway.Tokens.Assertion;

/// <summary>
/// The used assertion ids in the cluster's PostgreSQL database (table <c>used_jti</c>, part
/// <see cref="PostgresTokenState.Part"/>), so an assertion spent at one node is refused at every
/// other. One statement decides, as in <see cref="JtiStore"/>: a new id is inserted, a forgotten
/// (expired) one is taken again, a remembered one changes nothing. Two nodes racing on one id: the
/// second insert waits on the first's row and, once that commits, finds it and loses. A request
/// answers after its own commit (PostgreSQL's synchronous commit), so no token leaves before its id
/// is durable. Expired rows are deleted every <see cref="PurgeEvery"/> requests.
/// </summary>
public sealed class PostgresJtiStore(NpgsqlDataSource dataSource) : IJtiStore, IDisposable
{
    /// <summary>How many requests pass between two deletions of expired rows.</summary>
    public const int PurgeEvery = 256;

    private readonly PostgresSchema _schema = new(dataSource, PostgresTokenState.Part, PostgresTokenState.Migrations);
    private long _requests;

    /// <inheritdoc />
    public async Task<bool> TryConsumeAsync(string deviceId, string jti, DateTimeOffset now, DateTimeOffset rememberUntil, CancellationToken cancellationToken)
    {
        var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            if (Interlocked.Increment(ref _requests) % PurgeEvery == 0)
            {
                using var purge = new NpgsqlCommand("DELETE FROM used_jti WHERE expires_at <= @now", connection);
                purge.Parameters.AddWithValue("now", now.ToUnixTimeSeconds());
                await purge.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            using var consume = new NpgsqlCommand(
                "INSERT INTO used_jti (device_id, jti, expires_at) VALUES (@device, @jti, @until) "
                + "ON CONFLICT (device_id, jti) DO UPDATE SET expires_at = excluded.expires_at WHERE used_jti.expires_at <= @now",
                connection);
            consume.Parameters.AddWithValue("device", deviceId);
            consume.Parameters.AddWithValue("jti", jti);
            consume.Parameters.AddWithValue("until", rememberUntil.ToUnixTimeSeconds());
            consume.Parameters.AddWithValue("now", now.ToUnixTimeSeconds());
            return await consume.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }
    }

    public void Dispose() => _schema.Dispose();
}
