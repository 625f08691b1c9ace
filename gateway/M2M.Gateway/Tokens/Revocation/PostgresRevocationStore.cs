using System.Text.Json;
using M2M.Gateway.Cluster;
using Npgsql;

namespace M2M.Gateway.Tokens.Revocation;

/// <summary>
/// Revocations in the cluster's PostgreSQL database (table <c>revoked_tokens</c>, part
/// <see cref="PostgresTokenState.Part"/>). A revocation is one statement that inserts the row and
/// sends a notification on <see cref="PostgresTokenState.RevokedChannel"/> (PostgreSQL delivers it
/// to every listening session at commit, never before). Every node keeps one connection listening
/// (LISTEN/NOTIFY), so a token revoked at one node is refused by every other as soon as the notice
/// arrives. A notice can still be lost: one sent while a listener's connection was down, or a row
/// stored without one. So the listener also reads the whole table when it (re)connects and every
/// <see cref="ReloadInterval"/> on the injected clock, notices or not, which bounds how long a lost
/// notice leaves a revoked token accepted.
/// </summary>
public sealed partial class PostgresRevocationStore(NpgsqlDataSource dataSource, TimeProvider time, ILogger<PostgresRevocationStore> logger) : IRevocationStore
{
    /// <summary>How often the listener reads the whole table again: the bound on a lost notice.</summary>
    public static readonly TimeSpan ReloadInterval = TimeSpan.FromSeconds(30);

    // Npgsql's wait for a notice times out on the wall clock, so the listener waits at most this
    // long at a time and then asks the injected clock whether a reload is due (tests advance it).
    private static readonly TimeSpan ClockCheckInterval = TimeSpan.FromSeconds(1);

    private readonly PostgresSchema _schema = new(dataSource, PostgresTokenState.Part, PostgresTokenState.Migrations);
    private readonly CancellationTokenSource _stopping = new();
    private Task _listening = Task.CompletedTask;
    private int _disposed;

    /// <inheritdoc />
    public IReadOnlyList<RevocationEntry> Load(long now)
    {
        // At start, before the gateway accepts anything: a store that cannot be read stops it.
        _schema.EnsureAsync(CancellationToken.None).GetAwaiter().GetResult();
        using var connection = dataSource.OpenConnection();
        PruneAsync(connection, now, CancellationToken.None).GetAwaiter().GetResult();
        return ReadAllAsync(connection, CancellationToken.None).GetAwaiter().GetResult();
    }

    /// <inheritdoc />
    public async Task<bool> AddAsync(RevokedToken token, long rememberUntil, long now, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await PruneAsync(connection, now, cancellationToken).ConfigureAwait(false);

            // The notice goes out only when the row was new, and only at commit (autocommit: at once).
            using var insert = new NpgsqlCommand(
                "WITH added AS (INSERT INTO revoked_tokens (jti, device_id, tenant, remember_until, revoked_at, revoked_by) "
                + "VALUES (@jti, @device, @tenant, @until, @now, @actor) ON CONFLICT (jti) DO NOTHING RETURNING jti, device_id, remember_until) "
                + $"SELECT pg_notify('{PostgresTokenState.RevokedChannel}', json_build_object('jti', jti, 'device', device_id, 'until', remember_until)::text) FROM added",
                connection);
            insert.Parameters.AddWithValue("jti", token.TokenId);
            insert.Parameters.AddWithValue("device", token.DeviceId);
            insert.Parameters.AddWithValue("tenant", token.Tenant);
            insert.Parameters.AddWithValue("until", rememberUntil);
            insert.Parameters.AddWithValue("now", now);
            insert.Parameters.AddWithValue("actor", actor);
            var added = 0;
            var reader = await insert.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    added++;
                }
            }

            return added == 1;
        }
    }

    /// <inheritdoc />
    public void Watch(Action<IReadOnlyList<RevocationEntry>> heard) => _listening = Task.Run(() => ListenAsync(heard, _stopping.Token));

    public void Dispose()
    {
        // Both the container and RevokedTokens may dispose it.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stopping.Cancel();
        try
        {
            _listening.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        _stopping.Dispose();
        _schema.Dispose();
    }

    private async Task ListenAsync(Action<IReadOnlyList<RevocationEntry>> heard, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var connection = await _schema.OpenAsync(stopping).ConfigureAwait(false);
                await using (connection.ConfigureAwait(false))
                {
                    connection.Notification += (_, notice) =>
                    {
                        if (Parse(notice.Payload) is { } entry)
                        {
                            heard([entry]);
                        }
                    };
                    using (var listen = new NpgsqlCommand($"LISTEN {PostgresTokenState.RevokedChannel}", connection))
                    {
                        await listen.ExecuteNonQueryAsync(stopping).ConfigureAwait(false);
                    }

                    // Listening first, then reading: a revocation committed in between is in one or both.
                    heard(await ReadAllAsync(connection, stopping).ConfigureAwait(false));
                    var reloadAt = time.GetUtcNow() + ReloadInterval;
                    while (!stopping.IsCancellationRequested)
                    {
                        var left = reloadAt - time.GetUtcNow();
                        if (left <= TimeSpan.Zero)
                        {
                            heard(await ReadAllAsync(connection, stopping).ConfigureAwait(false));
                            reloadAt = time.GetUtcNow() + ReloadInterval;
                        }
                        else
                        {
                            // Notices are delivered to the Notification handler during the wait.
                            await connection.WaitAsync(left < ClockCheckInterval ? left : ClockCheckInterval, stopping).ConfigureAwait(false);
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                LogListenerFailed(logger, exception.GetType().Name, exception.Message);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private static async Task<IReadOnlyList<RevocationEntry>> ReadAllAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        using var read = new NpgsqlCommand("SELECT jti, device_id, remember_until FROM revoked_tokens", connection);
        var entries = new List<RevocationEntry>();
        var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                entries.Add(new RevocationEntry(reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
            }
        }

        return entries;
    }

    private static async Task PruneAsync(NpgsqlConnection connection, long now, CancellationToken cancellationToken)
    {
        using var delete = new NpgsqlCommand("DELETE FROM revoked_tokens WHERE remember_until <= @now", connection);
        delete.Parameters.AddWithValue("now", now);
        await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static RevocationEntry? Parse(string payload)
    {
        try
        {
            using var document = JsonDocument.Parse(payload);
            var root = document.RootElement;
            return new RevocationEntry(root.GetProperty("jti").GetString()!, root.GetProperty("device").GetString()!, root.GetProperty("until").GetInt64());
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Revocation listener lost PostgreSQL ({Error}: {Detail}); reconnecting, then reloading every revocation")]
    private static partial void LogListenerFailed(ILogger logger, string error, string detail);
}
