using M2M.Gateway.Registry;
using Microsoft.Data.Sqlite;

namespace M2M.Gateway.Commands;

/// <summary>
/// Commands kept durably in the registry's SQLite file (tables <c>commands</c> and
/// <c>command_sequences</c>, schema version 4), so a command queued for a device that is offline
/// survives a gateway restart until it is answered or expires. A device's sequence numbers never
/// restart, even when its commands are pruned or the device is deleted and registered again, so a
/// device never takes a new command for a replay of an old one.
/// </summary>
public sealed class CommandStore(RegistryDatabase database)
{
    private const string Columns = "device_id, sequence, name, arguments, created_at, expires_at, status, deliveries, delivered_at, completed_at, detail";
    private const string Pending = "status IN ('queued', 'delivered')";

    /// <summary>Queues a command under the device's next sequence number.</summary>
    public async Task<CommandEntry> QueueAsync(string deviceId, string name, string arguments, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // BEGIN IMMEDIATE: the next sequence number is taken and used in one step.
            using var transaction = connection.BeginTransaction(deferred: false);
            using var next = connection.CreateCommand();
            next.Transaction = transaction;
            next.CommandText =
                "INSERT INTO command_sequences (device_id, last_sequence) VALUES ($id, 1) "
                + "ON CONFLICT (device_id) DO UPDATE SET last_sequence = last_sequence + 1 RETURNING last_sequence;";
            next.Parameters.AddWithValue("$id", deviceId);
            var sequence = (long)(await next.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            if (sequence > uint.MaxValue)
            {
                throw new InvalidOperationException($"Device {deviceId} has used every command sequence number (docs/protocol.md section 11.4).");
            }

            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText =
                "INSERT INTO commands (device_id, sequence, name, arguments, created_at, expires_at, status, deliveries) "
                + "VALUES ($id, $sequence, $name, $arguments, $now, $expires, 'queued', 0);";
            insert.Parameters.AddWithValue("$id", deviceId);
            insert.Parameters.AddWithValue("$sequence", sequence);
            insert.Parameters.AddWithValue("$name", name);
            insert.Parameters.AddWithValue("$arguments", arguments);
            insert.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            insert.Parameters.AddWithValue("$expires", expiresAt.ToUnixTimeMilliseconds());
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return new CommandEntry(deviceId, sequence, name, arguments, now, expiresAt, CommandStatus.Queued, 0, null, null, null);
        }
    }

    /// <summary>One command, or null.</summary>
    public async Task<CommandEntry?> FindAsync(string deviceId, long sequence, CancellationToken cancellationToken) =>
        (await QueryAsync($"SELECT {Columns} FROM commands WHERE device_id = $id AND sequence = $sequence;", deviceId, sequence, cancellationToken).ConfigureAwait(false)).SingleOrDefault();

    /// <summary>The device's newest commands, newest first.</summary>
    public Task<IReadOnlyList<CommandEntry>> ListAsync(string deviceId, int limit, CancellationToken cancellationToken) =>
        QueryAsync($"SELECT {Columns} FROM commands WHERE device_id = $id ORDER BY sequence DESC LIMIT {limit};", deviceId, 0, cancellationToken);

    /// <summary>
    /// The device's oldest command still to be answered, after marking those past their expiry as
    /// <see cref="CommandStatus.Expired"/>; null when there is none.
    /// </summary>
    public async Task<CommandEntry?> NextPendingAsync(string deviceId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await ExecuteAsync(
            $"UPDATE commands SET status = 'expired', completed_at = $now WHERE device_id = $id AND {Pending} AND expires_at <= $now;",
            deviceId, 0, now, null, null, cancellationToken).ConfigureAwait(false);
        return (await QueryAsync($"SELECT {Columns} FROM commands WHERE device_id = $id AND {Pending} ORDER BY sequence LIMIT 1;", deviceId, 0, cancellationToken).ConfigureAwait(false)).SingleOrDefault();
    }

    /// <summary>Records that a command was sent.</summary>
    public Task MarkDeliveredAsync(string deviceId, long sequence, DateTimeOffset now, CancellationToken cancellationToken) =>
        ExecuteAsync(
            $"UPDATE commands SET status = 'delivered', deliveries = deliveries + 1, delivered_at = $now WHERE device_id = $id AND sequence = $sequence AND {Pending};",
            deviceId, sequence, now, null, null, cancellationToken);

    /// <summary>
    /// Records the device's answer. An answer to a command the gateway had marked expired is recorded
    /// too (the device answered, and only it knows whether it ran the command). Returns the entry as
    /// it was before, or null when there is no such command.
    /// </summary>
    public async Task<CommandEntry?> CompleteAsync(string deviceId, long sequence, string status, string detail, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var before = await FindAsync(deviceId, sequence, cancellationToken).ConfigureAwait(false);
        if (before != null)
        {
            await ExecuteAsync(
                $"UPDATE commands SET status = $status, detail = $detail, completed_at = $now WHERE device_id = $id AND sequence = $sequence AND status IN ('queued', 'delivered', 'expired');",
                deviceId, sequence, now, status, detail, cancellationToken).ConfigureAwait(false);
        }

        return before;
    }

    private async Task ExecuteAsync(string sql, string deviceId, long sequence, DateTimeOffset now, string? status, string? detail, CancellationToken cancellationToken)
    {
        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = Command(connection, sql, deviceId, sequence);
            command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$status", (object?)status ?? DBNull.Value);
            command.Parameters.AddWithValue("$detail", (object?)detail ?? DBNull.Value);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<IReadOnlyList<CommandEntry>> QueryAsync(string sql, string deviceId, long sequence, CancellationToken cancellationToken)
    {
        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = Command(connection, sql, deviceId, sequence);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var entries = new List<CommandEntry>();
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    entries.Add(Read(reader));
                }

                return entries;
            }
        }
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, string deviceId, long sequence)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$id", deviceId);
        command.Parameters.AddWithValue("$sequence", sequence);
        return command;
    }

    private static CommandEntry Read(SqliteDataReader reader) => new(
        reader.GetString(0),
        reader.GetInt64(1),
        reader.GetString(2),
        reader.GetString(3),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)),
        reader.GetString(6),
        reader.GetInt32(7),
        reader.IsDBNull(8) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8)),
        reader.IsDBNull(9) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(9)),
        reader.IsDBNull(10) ? null : reader.GetString(10));
}
