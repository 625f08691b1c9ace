using M2M.Gateway.Cluster;
using Npgsql;

namespace M2M.Gateway.Relay.Http;

/// <summary>
/// The sink credentials in Cluster mode: table <c>sink_credentials</c> of the shared PostgreSQL
/// database (part <see cref="Part"/>), the same encrypted values as <c>sink-credentials.json</c>
/// holds, so a credential set through any node is used by the sink on whichever node holds its
/// lease. Nothing is cached: every use reads the row. That is the simplest way to keep the promise
/// "a credential set applies at the sink's next attempt" on every node with no staleness window to
/// reason about (no LISTEN/NOTIFY listener, no missed notice to bound), and its cost is one
/// primary-key read per outgoing HTTP request (per batch, or per OAuth token renewal) on the node
/// that already writes the sink's position to the same database after each batch; while PostgreSQL
/// is down that relay is paused anyway.
/// </summary>
public sealed partial class PostgresSinkCredentials(NpgsqlDataSource dataSource, ILogger<PostgresSinkCredentials> logger) : ISinkCredentialStorage, IDisposable
{
    /// <summary>The part name in <c>m2m_schema</c>.</summary>
    public const string Part = "sink-credentials";

    /// <summary>Forward migrations; only ever append.</summary>
    public static readonly IReadOnlyList<string> Migrations =
    [
        // 1: the value is the secret protector's output (version, nonce, ciphertext, tag), bound to
        // the name as associated data; updated is Unix milliseconds, as in the file.
        """
        CREATE TABLE sink_credentials (
            name text PRIMARY KEY,
            value bytea NOT NULL,
            updated bigint NOT NULL
        );
        """,
    ];

    private readonly PostgresSchema _schema = new(dataSource, Part, Migrations);

    /// <inheritdoc />
    public async Task<(CredentialLookup Result, byte[]? Encrypted)> FindAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var value = await RunAsync("SELECT value FROM sink_credentials WHERE name = @name", [("name", name)], c => c.ExecuteScalarAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
            return value is byte[] encrypted ? (CredentialLookup.Found, encrypted) : (CredentialLookup.Missing, null);
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
        {
            // The sink fails with credential_store_unavailable and is retried with backoff.
            LogUnavailable(logger, exception.GetType().Name, exception.Message);
            return (CredentialLookup.Unavailable, null);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<(string Name, long Updated)>> ListAsync(CancellationToken cancellationToken) =>
        // COLLATE "C": ordinal order of name, as the file's list.
        RunAsync<IReadOnlyList<(string, long)>>("SELECT name, updated FROM sink_credentials ORDER BY name COLLATE \"C\"", [], async command =>
        {
            var names = new List<(string, long)>();
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    names.Add((reader.GetString(0), reader.GetInt64(1)));
                }
            }

            return names;
        }, cancellationToken);

    /// <inheritdoc />
    public Task PutAsync(string name, byte[] encrypted, long updated, CancellationToken cancellationToken) => RunAsync(
        "INSERT INTO sink_credentials (name, value, updated) VALUES (@name, @value, @updated) "
        + "ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated = excluded.updated",
        [("name", name), ("value", encrypted), ("updated", updated)],
        c => c.ExecuteNonQueryAsync(cancellationToken),
        cancellationToken);

    /// <inheritdoc />
    public async Task<bool> RemoveAsync(string name, CancellationToken cancellationToken) =>
        await RunAsync("DELETE FROM sink_credentials WHERE name = @name", [("name", name)], c => c.ExecuteNonQueryAsync(cancellationToken), cancellationToken).ConfigureAwait(false) == 1;

    public void Dispose() => _schema.Dispose();

    /// <summary>Runs one statement with its parameters on a connection of the migrated part.</summary>
    private async Task<T> RunAsync<T>(string sql, (string Name, object Value)[] parameters, Func<NpgsqlCommand, Task<T>> run, CancellationToken cancellationToken)
    {
        var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = new NpgsqlCommand(sql, connection);
            foreach (var (parameter, value) in parameters)
            {
                command.Parameters.AddWithValue(parameter, value);
            }

            return await run(command).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sink credentials unreadable: PostgreSQL unavailable ({Error}: {Detail})")]
    private static partial void LogUnavailable(ILogger logger, string error, string detail);
}
