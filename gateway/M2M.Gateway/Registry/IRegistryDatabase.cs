using System.Data.Common;

namespace M2M.Gateway.Registry;

/// <summary>
/// The database under the registry's stores (devices, API keys and service clients, commands,
/// secret rotations): SQLite's <c>registry.db</c> in Embedded mode (<see cref="RegistryDatabase"/>),
/// the shared PostgreSQL database in Cluster mode (<see cref="PostgresRegistryDatabase"/>). Each
/// store runs one copy of its SQL on both, through ADO.NET with <c>@name</c> parameters; the few
/// places where the two dialects differ are the members of this interface, and nowhere else.
/// </summary>
public interface IRegistryDatabase
{
    /// <summary>What the registry is, for the start-up log (a path, or the PostgreSQL host and database; never a password).</summary>
    string Describe { get; }

    /// <summary>
    /// SQL appended to a <c>SELECT</c> whose rows the transaction is about to change, so that no
    /// other writer changes them in between (PostgreSQL: <c>FOR UPDATE</c>; SQLite: nothing, the
    /// write transaction already holds the whole file).
    /// </summary>
    string ForUpdate { get; }

    /// <summary>The scalar function that returns the larger of two values (SQLite <c>max</c>, PostgreSQL <c>GREATEST</c>).</summary>
    string Greatest { get; }

    /// <summary>Creates the schema or takes it forward; refuses one written by a newer gateway.</summary>
    /// <exception cref="InvalidOperationException">The schema is newer than this gateway's.</exception>
    Task MigrateAsync(CancellationToken cancellationToken);

    /// <summary>Opens a connection to the migrated database.</summary>
    Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Begins a write transaction. With <paramref name="exclusiveTable"/>, no other writer of that
    /// table can run until it ends, on any node (a check over several rows, then a change, as one
    /// step): SQLite's <c>BEGIN IMMEDIATE</c> takes the file's write lock, PostgreSQL takes
    /// <c>LOCK TABLE ... IN SHARE ROW EXCLUSIVE MODE</c>, which conflicts with itself and with every
    /// row change while readers go on.
    /// </summary>
    Task<DbTransaction> BeginWriteAsync(DbConnection connection, string? exclusiveTable, CancellationToken cancellationToken);

    /// <summary>A condition true when the JSON array of strings <paramref name="column"/> holds the value <paramref name="value"/> (SQL expressions).</summary>
    string JsonArrayHolds(string column, string value);

    /// <summary>A sub-query of the strings of the JSON array parameter <paramref name="parameter"/>, for <c>IN (...)</c>.</summary>
    string ValuesOf(string parameter);

    /// <summary>
    /// Called after a secret's ciphertext was overwritten: leaves no older copy of the page behind
    /// where the engine can (SQLite: a write-ahead-log checkpoint; PostgreSQL: nothing the gateway
    /// can do, its old row versions are vacuumed by the server).
    /// </summary>
    Task SecretsOverwrittenAsync(CancellationToken cancellationToken);
}

/// <summary>The ADO.NET calls the registry's stores share, the same on both engines.</summary>
public static class RegistrySql
{
    /// <summary>A command on <paramref name="connection"/> (in <paramref name="transaction"/>, if any) with <c>@name</c> parameters.</summary>
    public static DbCommand Command(this DbConnection connection, string sql, DbTransaction? transaction = null, params (string Name, object? Value)[] parameters)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            command.Add(name, value);
        }

        return command;
    }

    /// <summary>Adds (or replaces) parameter <paramref name="name"/> (without its <c>@</c>); null is SQL NULL.</summary>
    public static DbCommand Add(this DbCommand command, string name, object? value)
    {
        ArgumentNullException.ThrowIfNull(command);
        var index = command.Parameters.IndexOf(name);
        if (index >= 0)
        {
            command.Parameters[index].Value = value ?? DBNull.Value;
            return command;
        }

        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return command;
    }

    /// <summary>Runs a statement on a connection of its own; returns the rows it changed.</summary>
    public static async Task<int> ExecuteAsync(this IRegistryDatabase database, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        ArgumentNullException.ThrowIfNull(database);
        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.Command(sql, null, parameters);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Runs a query on a connection of its own and reads each row with <paramref name="read"/>.</summary>
    public static async Task<List<T>> QueryAsync<T>(this IRegistryDatabase database, string sql, Func<DbDataReader, T> read, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(read);
        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.Command(sql, null, parameters);
            return await command.ReadAllAsync(read, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Runs a query on a connection of its own; its first column of its first row, or null.</summary>
    public static async Task<object?> ScalarAsync(this IRegistryDatabase database, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        ArgumentNullException.ThrowIfNull(database);
        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.Command(sql, null, parameters);
            var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return value is DBNull ? null : value;
        }
    }

    /// <summary>Every row of <paramref name="command"/>, each read with <paramref name="read"/>.</summary>
    public static async Task<List<T>> ReadAllAsync<T>(this DbCommand command, Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(read);
        var rows = new List<T>();
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(read(reader));
            }
        }

        return rows;
    }

    /// <summary>A nullable Unix-milliseconds column as a time.</summary>
    public static DateTimeOffset? TimeOrNull(this DbDataReader reader, int ordinal)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return reader.IsDBNull(ordinal) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));
    }

    /// <summary>A Unix-milliseconds column as a time.</summary>
    public static DateTimeOffset Time(this DbDataReader reader, int ordinal)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));
    }
}
