using System.Collections.Concurrent;
using M2M.Gateway.Relay;
using Microsoft.Extensions.Options;
using Npgsql;

namespace M2M.Gateway.Cluster.Relay;

/// <summary>
/// Leases as PostgreSQL session-level advisory locks (https://www.postgresql.org/docs/current/explicit-locking.html#ADVISORY-LOCKS),
/// one per sink (and one for retention), each held on a connection of its own for as long as the
/// node delivers. The lock belongs to the session: a node that dies, is killed or loses its
/// connection loses the lock as soon as PostgreSQL ends the session, and another node's next try
/// takes it. A holder checks its connection every <see cref="ClusterRelayOptions.LeaseInterval"/>
/// and stops at the first failure; the session is given an <c>idle_session_timeout</c> of a few
/// intervals, so a holder that stops checking (frozen, or cut off without a TCP reset) has its
/// session ended by PostgreSQL and its lease freed. Who took each lease last is kept in
/// <c>m2m_relay_leases</c> for status pages.
/// </summary>
internal sealed partial class PostgresSinkLeases(
    NpgsqlDataSource dataSource,
    IOptions<ClusterOptions> cluster,
    IOptions<ClusterRelayOptions> options,
    ILogger<PostgresSinkLeases> logger) : ISinkLeases
{
    /// <summary>Intervals without a check after which PostgreSQL ends a holder's session.</summary>
    private const int IdleIntervals = 4;

    private readonly ConcurrentDictionary<string, string> _holders = new(StringComparer.Ordinal);

    public TimeSpan RetryInterval => options.Value.LeaseInterval;

    public string? Node => cluster.Value.NodeId;

    public string? HolderOf(string name) => _holders.TryGetValue(name, out var node) ? node : null;

    public async Task<SinkLease?> TryAcquireAsync(string name, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using (var take = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtextextended(@key, 0))", connection))
            {
                take.Parameters.AddWithValue("key", Key(name));
                if (!(bool)(await take.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
                {
                    using var holder = new NpgsqlCommand("SELECT node FROM m2m_relay_leases WHERE name = @name", connection);
                    holder.Parameters.AddWithValue("name", name);
                    if (await holder.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string node)
                    {
                        _holders[name] = node;
                    }

                    await connection.DisposeAsync().ConfigureAwait(false);
                    return null;
                }
            }

            var interval = options.Value.LeaseInterval;
            using (var hold = new NpgsqlCommand(FormattableString.Invariant($"""
                SET idle_session_timeout = {(long)(interval.TotalMilliseconds * IdleIntervals)};
                INSERT INTO m2m_relay_leases (name, node, since) VALUES (@name, @node, now())
                ON CONFLICT (name) DO UPDATE SET node = excluded.node, since = excluded.since
                """), connection))
            {
                hold.Parameters.AddWithValue("name", name);
                hold.Parameters.AddWithValue("node", cluster.Value.NodeId);
                await hold.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            _holders[name] = cluster.Value.NodeId;
            return new PostgresLease(this, name, connection, interval);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static string Key(string name) => "m2m-relay-lease:" + name;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lease {Name}: its PostgreSQL connection failed ({Error}); no longer counted on")]
    private partial void LogLost(string name, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lease {Name}: giving it back failed ({Error}); PostgreSQL frees it when the connection closes")]
    private partial void LogReleaseFailed(string name, string error);

    /// <summary>A held lock: its connection, checked every interval until given back.</summary>
    private sealed class PostgresLease : SinkLease
    {
        private readonly PostgresSinkLeases _leases;
        private readonly string _name;
        private readonly NpgsqlConnection _connection;
        private readonly CancellationTokenSource _lost = new();
        private readonly CancellationTokenSource _released = new();
        private readonly Task _checking;

        public PostgresLease(PostgresSinkLeases leases, string name, NpgsqlConnection connection, TimeSpan interval)
        {
            _leases = leases;
            _name = name;
            _connection = connection;
            _checking = CheckAsync(interval);
        }

        public override CancellationToken Lost => _lost.Token;

        public override async ValueTask DisposeAsync()
        {
            await _released.CancelAsync().ConfigureAwait(false);
            await _checking.ConfigureAwait(false);
            if (!_lost.IsCancellationRequested)
            {
                try
                {
                    using var release = new NpgsqlCommand("SELECT pg_advisory_unlock(hashtextextended(@key, 0))", _connection);
                    release.Parameters.AddWithValue("key", Key(_name));
                    await release.ExecuteNonQueryAsync().ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException or TimeoutException)
                {
                    _leases.LogReleaseFailed(_name, exception.GetType().Name);
                }
            }

            await _connection.DisposeAsync().ConfigureAwait(false);
            _lost.Dispose();
            _released.Dispose();
        }

        private async Task CheckAsync(TimeSpan interval)
        {
            await Task.Yield();
            using var check = new NpgsqlCommand("SELECT 1", _connection);
            while (!_released.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(interval, _released.Token).ConfigureAwait(false);
                    await check.ExecuteScalarAsync(CancellationToken.None).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (_released.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception exception)
                {
                    _leases.LogLost(_name, exception.GetType().Name);
                    await _lost.CancelAsync().ConfigureAwait(false);
                    return;
                }
            }
        }
    }
}
