using System.Globalization;
using Npgsql;

namespace M2M.Gateway.Cluster;

/// <summary>
/// Versioned schema migrations on the shared PostgreSQL database (docs/scaling.md, "PostgreSQL").
/// Each part of the gateway (registry, tokens, audit, relay...) owns a named list of steps; entry i
/// takes that part from version i to i + 1, and the version reached is a row of
/// <c>m2m_schema</c>. Every node runs <see cref="ApplyAsync"/> at start: the steps run in one
/// transaction under a transaction-level advisory lock, so nodes starting together migrate once,
/// and a database migrated by a newer gateway is refused rather than misread. Only ever append a
/// step; one released is never edited.
/// </summary>
public static class PostgresMigrations
{
    // pg_advisory_xact_lock key: "m2m" in ASCII, shared by every part (migrations are rare and short).
    private const long LockKey = 0x6D326D;

    /// <summary>Applies the steps of <paramref name="part"/> the database lacks; returns the version reached.</summary>
    /// <exception cref="InvalidOperationException">The database is at a newer version of <paramref name="part"/> than <paramref name="steps"/> knows.</exception>
    public static async Task<int> ApplyAsync(NpgsqlDataSource dataSource, string part, IReadOnlyList<string> steps, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(steps);
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                await ExecuteAsync(connection, transaction, string.Create(CultureInfo.InvariantCulture, $"SELECT pg_advisory_xact_lock({LockKey})"), cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, transaction, "CREATE TABLE IF NOT EXISTS m2m_schema (part text PRIMARY KEY, version integer NOT NULL)", cancellationToken).ConfigureAwait(false);

                int version;
                using (var read = new NpgsqlCommand("SELECT version FROM m2m_schema WHERE part = @part", connection, transaction))
                {
                    read.Parameters.AddWithValue("part", part);
                    version = await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is int found ? found : 0;
                }

                if (version > steps.Count)
                {
                    throw new InvalidOperationException(
                        $"PostgreSQL schema '{part}' is at version {version}, newer than this gateway's {steps.Count}: a newer gateway migrated it. Upgrade this node.");
                }

                for (var step = version; step < steps.Count; step++)
                {
                    await ExecuteAsync(connection, transaction, steps[step], cancellationToken).ConfigureAwait(false);
                }

                using (var write = new NpgsqlCommand(
                    "INSERT INTO m2m_schema (part, version) VALUES (@part, @version) ON CONFLICT (part) DO UPDATE SET version = excluded.version", connection, transaction))
                {
                    write.Parameters.AddWithValue("part", part);
                    write.Parameters.AddWithValue("version", steps.Count);
                    await write.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return steps.Count;
            }
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
