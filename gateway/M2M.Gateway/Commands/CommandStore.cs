using System.Data.Common;
using M2M.Gateway.Registry;

namespace M2M.Gateway.Commands;

/// <summary>
/// Commands kept durably in the registry (<see cref="IRegistryDatabase"/>: tables <c>commands</c> and
/// <c>command_sequences</c>, schema version 4), so a command queued for a device that is offline
/// survives a gateway restart until it is answered or expires. A device's sequence numbers never
/// restart, even when its commands are pruned or the device is deleted and registered again, so a
/// device never takes a new command for a replay of an old one.
/// </summary>
public sealed class CommandStore(IRegistryDatabase database)
{
    private const string Columns = "device_id, sequence, name, arguments, created_at, expires_at, status, deliveries, delivered_at, completed_at, detail";
    private const string Pending = "status IN ('queued', 'delivered')";

    /// <summary>Queues a command under the device's next sequence number.</summary>
    public async Task<CommandEntry> QueueAsync(string deviceId, string name, string arguments, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // The next sequence number is taken and used in one step: the upsert locks the device's
            // sequence row until the commit, so no other writer (on any node) takes the same number.
            var transaction = await database.BeginWriteAsync(connection, null, cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                long sequence;
                using (var next = connection.Command(
                    "INSERT INTO command_sequences (device_id, last_sequence) VALUES (@id, 1) "
                    + "ON CONFLICT (device_id) DO UPDATE SET last_sequence = command_sequences.last_sequence + 1 RETURNING last_sequence;",
                    transaction,
                    ("id", deviceId)))
                {
                    sequence = Convert.ToInt64(await next.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
                }

                if (sequence > uint.MaxValue)
                {
                    throw new InvalidOperationException($"Device {deviceId} has used every command sequence number (docs/protocol.md section 11.4).");
                }

                using var insert = connection.Command(
                    "INSERT INTO commands (device_id, sequence, name, arguments, created_at, expires_at, status, deliveries) "
                    + "VALUES (@id, @sequence, @name, @arguments, @now, @expires, 'queued', 0);",
                    transaction,
                    ("id", deviceId),
                    ("sequence", sequence),
                    ("name", name),
                    ("arguments", arguments),
                    ("now", now.ToUnixTimeMilliseconds()),
                    ("expires", expiresAt.ToUnixTimeMilliseconds()));
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return new CommandEntry(deviceId, sequence, name, arguments, now, expiresAt, CommandStatus.Queued, 0, null, null, null);
            }
        }
    }

    /// <summary>One command, or null.</summary>
    public async Task<CommandEntry?> FindAsync(string deviceId, long sequence, CancellationToken cancellationToken) =>
        (await QueryAsync($"SELECT {Columns} FROM commands WHERE device_id = @id AND sequence = @sequence;", deviceId, sequence, cancellationToken).ConfigureAwait(false)).SingleOrDefault();

    /// <summary>The device's newest commands, newest first.</summary>
    public Task<IReadOnlyList<CommandEntry>> ListAsync(string deviceId, int limit, CancellationToken cancellationToken) =>
        QueryAsync($"SELECT {Columns} FROM commands WHERE device_id = @id ORDER BY sequence DESC LIMIT {limit};", deviceId, 0, cancellationToken);

    /// <summary>
    /// The device's oldest command still to be answered, after marking those past their expiry as
    /// <see cref="CommandStatus.Expired"/>; null when there is none.
    /// </summary>
    public async Task<CommandEntry?> NextPendingAsync(string deviceId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await ExecuteAsync(
            $"UPDATE commands SET status = 'expired', completed_at = @now WHERE device_id = @id AND {Pending} AND expires_at <= @now;",
            deviceId, 0, now, null, null, cancellationToken).ConfigureAwait(false);
        return (await QueryAsync($"SELECT {Columns} FROM commands WHERE device_id = @id AND {Pending} ORDER BY sequence LIMIT 1;", deviceId, 0, cancellationToken).ConfigureAwait(false)).SingleOrDefault();
    }

    /// <summary>Records that a command was sent.</summary>
    public Task MarkDeliveredAsync(string deviceId, long sequence, DateTimeOffset now, CancellationToken cancellationToken) =>
        ExecuteAsync(
            $"UPDATE commands SET status = 'delivered', deliveries = deliveries + 1, delivered_at = @now WHERE device_id = @id AND sequence = @sequence AND {Pending};",
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
                $"UPDATE commands SET status = @status, detail = @detail, completed_at = @now WHERE device_id = @id AND sequence = @sequence AND status IN ('queued', 'delivered', 'expired');",
                deviceId, sequence, now, status, detail, cancellationToken).ConfigureAwait(false);
        }

        return before;
    }

    private Task<int> ExecuteAsync(string sql, string deviceId, long sequence, DateTimeOffset now, string? status, string? detail, CancellationToken cancellationToken) =>
        database.ExecuteAsync(sql, cancellationToken, ("id", deviceId), ("sequence", sequence), ("now", now.ToUnixTimeMilliseconds()), ("status", status), ("detail", detail));

    private async Task<IReadOnlyList<CommandEntry>> QueryAsync(string sql, string deviceId, long sequence, CancellationToken cancellationToken) =>
        await database.QueryAsync(sql, Read, cancellationToken, ("id", deviceId), ("sequence", sequence)).ConfigureAwait(false);

    private static CommandEntry Read(DbDataReader reader) => new(
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
