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
            var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                using var read = new NpgsqlCommand("SELECT value FROM sink_credentials WHERE name = @name", connection);
                read.Parameters.AddWithValue("name", name);
                return await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is byte[] value
                    ? (CredentialLookup.Found, value)
                    : (CredentialLookup.Missing, null);
            }
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
        {
            // The sink fails with credential_store_unavailable and is retried with backoff.
            LogUnavailable(logger, exception.GetType().Name, exception.Message);
            return (CredentialLookup.Unavailable, null);
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<(string Name, long Updated)>> ListAsync(CancellationToken cancellationToken)
    {
        var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // COLLATE "C": ordinal order of name, as the file's list.
            using var read = new NpgsqlCommand("SELECT name, updated FROM sink_credentials ORDER BY name COLLATE \"C\"", connection);
            var names = new List<(string, long)>();
            var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    names.Add((reader.GetString(0), reader.GetInt64(1)));
                }
            }

            return names;
        }
    }

    /// <inheritdoc />
    public async Task PutAsync(string name, byte[] encrypted, long updated, CancellationToken cancellationToken)
    {
        var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var write = new NpgsqlCommand(
                "INSERT INTO sink_credentials (name, value, updated) VALUES (@name, @value, @updated) "
                + "ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated = excluded.updated",
                connection);
            write.Parameters.AddWithValue("name", name);
            write.Parameters.AddWithValue("value", encrypted);
            write.Parameters.AddWithValue("updated", updated);
            await write.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task<bool> RemoveAsync(string name, CancellationToken cancellationToken)
    {
        var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var delete = new NpgsqlCommand("DELETE FROM sink_credentials WHERE name = @name", connection);
            delete.Parameters.AddWithValue("name", name);
            return await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }
    }

    public void Dispose() => _schema.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sink credentials unreadable: PostgreSQL unavailable ({Error}: {Detail})")]
    private static partial void LogUnavailable(ILogger logger, string error, string detail);
}
