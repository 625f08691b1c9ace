using System.Data.Common;
using M2M.Gateway.Registry;

namespace M2M.Gateway.Rotation;

/// <summary>
/// Rotations kept in the registry (<see cref="IRegistryDatabase"/>: table <c>secret_rotations</c>, SQLite schema version 6) so
/// that a gateway restart at any step leaves each rotation where it was (docs/protocol.md section
/// 12.6). Secrets are stored only as the ciphertext the caller hands over, and wiped (set to NULL; in SQLite the
/// page is zeroed by <c>secure_delete</c>) as soon as they are no longer needed.
/// </summary>
public sealed class RotationStore(IRegistryDatabase database)
{
    private const string Columns = "device_id, command_sequence, state, base_generation, started_at, deadline, finished_at, reason, actor";
    private const string Active = "state IN ('offered', 'proved')";

    /// <summary>The purpose the gateway's ephemeral private key of a rotation is encrypted for.</summary>
    public static string PrivateKeyPurpose(string deviceId, long sequence) => $"m2m/rotation-key/{deviceId}/{sequence}";

    /// <summary>The purpose the pending S' of a rotation is encrypted for.</summary>
    public static string PendingSecretPurpose(string deviceId, long sequence) => $"m2m/rotation-secret/{deviceId}/{sequence}";

    /// <summary>Records a started rotation with the gateway's public key and its encrypted private key.</summary>
    public Task InsertAsync(RotationEntry entry, byte[] gatewayPublic, byte[] protectedPrivate, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "INSERT INTO secret_rotations (device_id, command_sequence, state, base_generation, gateway_public, gateway_private, started_at, deadline, actor) "
            + "VALUES (@id, @sequence, @state, @generation, @public, @private, @started, @deadline, @actor);",
            entry.DeviceId,
            entry.Sequence,
            cancellationToken,
            ("state", entry.State),
            ("generation", entry.BaseGeneration),
            ("public", gatewayPublic),
            ("private", protectedPrivate),
            ("started", entry.StartedAt.ToUnixTimeMilliseconds()),
            ("deadline", entry.Deadline.ToUnixTimeMilliseconds()),
            ("actor", entry.Actor));

    /// <summary>The device's rotation in progress (offered or proved), or null.</summary>
    public async Task<RotationEntry?> FindActiveAsync(string deviceId, CancellationToken cancellationToken) =>
        (await QueryAsync($"SELECT {Columns} FROM secret_rotations WHERE device_id = @id AND {Active} ORDER BY command_sequence DESC LIMIT 1;", deviceId, 0, 0, cancellationToken).ConfigureAwait(false)).SingleOrDefault();

    /// <summary>One rotation, or null.</summary>
    public async Task<RotationEntry?> FindAsync(string deviceId, long sequence, CancellationToken cancellationToken) =>
        (await QueryAsync($"SELECT {Columns} FROM secret_rotations WHERE device_id = @id AND command_sequence = @sequence;", deviceId, sequence, 0, cancellationToken).ConfigureAwait(false)).SingleOrDefault();

    /// <summary>The device's newest rotations, newest first.</summary>
    public Task<IReadOnlyList<RotationEntry>> ListAsync(string deviceId, int limit, CancellationToken cancellationToken) =>
        QueryAsync($"SELECT {Columns} FROM secret_rotations WHERE device_id = @id ORDER BY command_sequence DESC LIMIT {limit};", deviceId, 0, 0, cancellationToken);

    /// <summary>Rotations in progress whose deadline is at or before <paramref name="now"/>.</summary>
    public Task<IReadOnlyList<RotationEntry>> ListOverdueAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        QueryAsync($"SELECT {Columns} FROM secret_rotations WHERE {Active} AND deadline <= @now;", string.Empty, 0, now.ToUnixTimeMilliseconds(), cancellationToken);

    /// <summary>The encrypted ephemeral private key of an offered rotation, or null once wiped.</summary>
    public Task<byte[]?> ReadPrivateKeyAsync(string deviceId, long sequence, CancellationToken cancellationToken) =>
        ReadBlobAsync("SELECT gateway_private FROM secret_rotations WHERE device_id = @id AND command_sequence = @sequence AND state = 'offered';", deviceId, sequence, cancellationToken);

    /// <summary>The encrypted S' of a proved rotation, or null.</summary>
    public Task<byte[]?> ReadPendingSecretAsync(string deviceId, long sequence, CancellationToken cancellationToken) =>
        ReadBlobAsync("SELECT pending_secret FROM secret_rotations WHERE device_id = @id AND command_sequence = @sequence AND state = 'proved';", deviceId, sequence, cancellationToken);

    /// <summary>Offered to proved: keeps the encrypted S' and wipes the private key. False when the rotation was no longer offered.</summary>
    public async Task<bool> MarkProvedAsync(string deviceId, long sequence, byte[] protectedSecret, CancellationToken cancellationToken) =>
        await ExecuteAsync(
            "UPDATE secret_rotations SET state = 'proved', pending_secret = @secret, gateway_private = NULL WHERE device_id = @id AND command_sequence = @sequence AND state = 'offered';",
            deviceId,
            sequence,
            cancellationToken,
            ("secret", protectedSecret)).ConfigureAwait(false) == 1;

    /// <summary>
    /// Ends a rotation in progress as <paramref name="state"/> (completed, failed, rolled back), wiping
    /// its private key and S'. False when it was no longer in progress.
    /// </summary>
    public async Task<bool> FinishAsync(string deviceId, long sequence, string state, string? reason, DateTimeOffset now, CancellationToken cancellationToken) =>
        await ExecuteAsync(
            $"UPDATE secret_rotations SET state = @state, reason = @reason, finished_at = @now, gateway_private = NULL, pending_secret = NULL WHERE device_id = @id AND command_sequence = @sequence AND {Active};",
            deviceId,
            sequence,
            cancellationToken,
            ("state", state),
            ("reason", reason),
            ("now", now.ToUnixTimeMilliseconds())).ConfigureAwait(false) == 1;

    /// <summary>Sets (seconds) or clears (null) the device's periodic rotation. False when there is no such device.</summary>
    public async Task<bool> SetScheduleAsync(string deviceId, long? everySeconds, CancellationToken cancellationToken) =>
        await ExecuteAsync(
            "UPDATE devices SET rotate_every_s = @every WHERE id = @id AND deleted_at IS NULL;",
            deviceId,
            0,
            cancellationToken,
            ("every", everySeconds)).ConfigureAwait(false) == 1;

    /// <summary>The device's periodic rotation interval in seconds, null when none.</summary>
    public async Task<long?> ReadScheduleAsync(string deviceId, CancellationToken cancellationToken) =>
        await database.ScalarAsync("SELECT rotate_every_s FROM devices WHERE id = @id AND deleted_at IS NULL;", cancellationToken, ("id", deviceId)).ConfigureAwait(false) is long seconds
            ? seconds
            : null;

    /// <summary>
    /// Enabled devices with a periodic rotation that is due: none in progress, and one interval passed
    /// since their secret came into force and since their last rotation started (so a failed one is
    /// tried again an interval later, not in a loop).
    /// </summary>
    public async Task<IReadOnlyList<string>> ListDueAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        await database.QueryAsync(
            "SELECT d.id FROM devices d WHERE d.deleted_at IS NULL AND d.enabled = 1 AND d.rotate_every_s IS NOT NULL "
            + $"AND {database.Greatest}(d.credential_since, COALESCE((SELECT MAX(r.started_at) FROM secret_rotations r WHERE r.device_id = d.id), 0)) + d.rotate_every_s * 1000 <= @now "
            + $"AND NOT EXISTS (SELECT 1 FROM secret_rotations r WHERE r.device_id = d.id AND r.{Active}) ORDER BY d.id;",
            reader => reader.GetString(0),
            cancellationToken,
            ("now", now.ToUnixTimeMilliseconds())).ConfigureAwait(false);

    private async Task<byte[]?> ReadBlobAsync(string sql, string deviceId, long sequence, CancellationToken cancellationToken) =>
        await database.ScalarAsync(sql, cancellationToken, ("id", deviceId), ("sequence", sequence)).ConfigureAwait(false) as byte[];

    private Task<int> ExecuteAsync(string sql, string deviceId, long sequence, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        database.ExecuteAsync(sql, cancellationToken, [("id", deviceId), ("sequence", sequence), .. parameters]);

    private async Task<IReadOnlyList<RotationEntry>> QueryAsync(string sql, string deviceId, long sequence, long now, CancellationToken cancellationToken) =>
        await database.QueryAsync(sql, Read, cancellationToken, ("id", deviceId), ("sequence", sequence), ("now", now)).ConfigureAwait(false);

    private static RotationEntry Read(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetInt64(1),
        reader.GetString(2),
        reader.GetInt64(3),
        reader.Time(4),
        reader.Time(5),
        reader.TimeOrNull(6),
        reader.IsDBNull(7) ? null : reader.GetString(7),
        reader.GetString(8));
}
