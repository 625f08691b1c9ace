using Npgsql;

namespace M2M.Gateway.Relay.Postgres;

/// <summary>
/// The sink's table, created and changed only by numbered migrations (docs/sinks.md, "PostgreSQL"):
/// the table <c>m2m_schema_version</c> holds, per table the gateway writes, the last migration
/// applied. Migrations run in one transaction under an advisory lock, so gateways starting together
/// on one database do not race, and a database migrated by a newer gateway is refused rather than
/// written in a shape this one does not know.
/// </summary>
internal static class PostgresSchema
{
    /// <summary>The migrations, in order; migration n brings the table to version n. Only ever appended to.</summary>
    private static readonly Func<string, string>[] Migrations =
    [
        table => $"""
            CREATE TABLE {table} (
                device           text        NOT NULL,
                generation       bigint      NOT NULL,
                epoch            bigint      NOT NULL,
                seq              bigint      NOT NULL,
                tenant           text        NOT NULL,
                stream           text        NOT NULL,
                topic            text        NOT NULL,
                device_time      timestamptz,
                gateway_time     timestamptz NOT NULL,
                content_type     text,
                payload          jsonb,
                data             bytea       NOT NULL,
                device_sig       text        NOT NULL,
                gateway_sig      text        NOT NULL,
                leaf_index       bigint      NOT NULL,
                audit_path       text        NOT NULL,
                gateway_position bigint      NOT NULL,
                inserted_at      timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (device, generation, epoch, seq)
            );
            CREATE INDEX ON {table} (tenant, device, gateway_time);
            CREATE INDEX ON {table} (tenant, stream, gateway_time);
            """,
    ];

    /// <summary>The version this gateway writes.</summary>
    public static int Version => Migrations.Length;

    /// <summary>Brings <paramref name="table"/> to <see cref="Version"/>.</summary>
    public static async Task MigrateAsync(NpgsqlConnection connection, string schema, string table, CancellationToken cancellationToken)
    {
        var qualified = $"{schema}.{table}";
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var setup = new NpgsqlCommand(
            $"""
            SELECT pg_advisory_xact_lock(hashtext('m2m_schema_version'));
            CREATE TABLE IF NOT EXISTS {schema}.m2m_schema_version (
                name        text        PRIMARY KEY,
                version     integer     NOT NULL,
                migrated_at timestamptz NOT NULL DEFAULT now()
            );
            """, connection, transaction))
        {
            await setup.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        int current;
        await using (var read = new NpgsqlCommand($"SELECT version FROM {schema}.m2m_schema_version WHERE name = $1", connection, transaction))
        {
            read.Parameters.AddWithValue(qualified);
            current = await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is int version ? version : 0;
        }

        if (current > Version)
        {
            throw new SinkFailureException($"postgres table {qualified} is at schema version {current}, newer than this gateway's {Version}");
        }

        for (var next = current + 1; next <= Version; next++)
        {
            await using var migrate = new NpgsqlCommand(Migrations[next - 1](qualified), connection, transaction);
            await migrate.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        if (current < Version)
        {
            await using var record = new NpgsqlCommand(
                $"INSERT INTO {schema}.m2m_schema_version (name, version) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET version = excluded.version, migrated_at = now()",
                connection, transaction);
            record.Parameters.AddWithValue(qualified);
            record.Parameters.AddWithValue(Version);
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
