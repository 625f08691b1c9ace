using System.Security.Cryptography;
using System.Text.Json;
using M2M.Gateway.Secrets;
using Microsoft.Data.Sqlite;

namespace M2M.Gateway.Registry;

/// <summary>
/// The device registry in <c>registry.db</c> (SQLite). Each secret S is generated with
/// <see cref="RandomNumberGenerator"/> and stored only as AES-GCM ciphertext whose purpose names the
/// device and its credential generation, so a ciphertext copied onto another row, or kept from
/// before a rotation, does not decrypt. A deleted device is a tombstone row (<c>deleted_at</c> set,
/// secret wiped) that every read skips; registering its id again continues its generation.
/// Last-seen times are coalesced (<see cref="LastSeenWriter"/>): disposing the registry writes the pending ones.
/// </summary>
public sealed class SqliteDeviceRegistry(RegistryDatabase database, ISecretProtector protector, TimeProvider time, ILogger<SqliteDeviceRegistry>? logger = null)
    : IDeviceRegistry, IAsyncDisposable, IDisposable
{
    private const string Columns = "id, tenant, roles, enabled, generation, created_at, credential_since, last_seen_at";

    // Every read and change but registration sees live rows only.
    private const string Live = "deleted_at IS NULL";

    // Ids per statement of FindManyAsync.
    private const int FindManyChunk = 1000;

    private readonly LastSeenWriter _lastSeen = new(database, LastSeenWriter.DevicesUpdate, time, (ILogger?)logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

    /// <inheritdoc />
    public event EventHandler<string>? DeviceChanged;

    /// <summary>The purpose the secret of <paramref name="deviceId"/> at <paramref name="generation"/> is encrypted for.</summary>
    public static string SecretPurpose(string deviceId, long generation) => $"m2m/device-secret/{deviceId}/{generation}";

    /// <inheritdoc />
    public async Task<DeviceCredential?> AddAsync(string deviceId, string tenant, IReadOnlyList<string> roles, CancellationToken cancellationToken)
    {
        if (!DeviceNames.IsValidDeviceId(deviceId))
        {
            throw new ArgumentException("Not a valid device id (docs/protocol.md section 2.1).", nameof(deviceId));
        }

        if (!DeviceNames.IsValidTenant(tenant))
        {
            throw new ArgumentException("Not a valid tenant.", nameof(tenant));
        }

        if (!DeviceNames.AreValidRoles(roles))
        {
            throw new ArgumentException("Not a valid role list.", nameof(roles));
        }

        var secret = RandomNumberGenerator.GetBytes(DeviceKeyDerivation.KeyLength);
        var now = Now();
        RegisteredDevice device;
        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // BEGIN IMMEDIATE: the tombstone's generation is read and continued in one step.
            using var transaction = connection.BeginTransaction(deferred: false);
            var (lastGeneration, deleted) = await ReadGenerationAsync(connection, transaction, deviceId, cancellationToken).ConfigureAwait(false);
            if (lastGeneration != null && !deleted)
            {
                return null;
            }

            device = new RegisteredDevice(deviceId, tenant, roles.ToArray(), true, (lastGeneration ?? 0) + 1, now, now, null);
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText =
                "INSERT INTO devices (id, tenant, roles, enabled, generation, secret, created_at, credential_since, last_seen_at, deleted_at) "
                + "VALUES ($id, $tenant, $roles, 1, $generation, $secret, $now, $now, NULL, NULL) "
                + "ON CONFLICT (id) DO UPDATE SET tenant = excluded.tenant, roles = excluded.roles, enabled = 1, generation = excluded.generation, "
                + "secret = excluded.secret, created_at = excluded.created_at, credential_since = excluded.credential_since, last_seen_at = NULL, deleted_at = NULL;";
            command.Parameters.AddWithValue("$id", deviceId);
            command.Parameters.AddWithValue("$tenant", tenant);
            command.Parameters.AddWithValue("$roles", JsonSerializer.Serialize(device.Roles));
            command.Parameters.AddWithValue("$generation", device.CredentialGeneration);
            command.Parameters.AddWithValue("$secret", protector.Protect(secret, SecretPurpose(deviceId, device.CredentialGeneration)));
            command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        if (device.CredentialGeneration > 1)
        {
            // Registered again: the previous registration's tokens are outdated.
            DeviceChanged?.Invoke(this, deviceId);
        }

        return new DeviceCredential(device, secret);
    }

    /// <inheritdoc />
    public async Task<RegisteredDevice?> FindAsync(string deviceId, CancellationToken cancellationToken) =>
        (await QueryAsync($"SELECT {Columns} FROM devices WHERE id = $id AND {Live};", ("$id", deviceId), cancellationToken).ConfigureAwait(false)).SingleOrDefault();

    /// <inheritdoc />
    public async Task<DeviceCredential?> FindCredentialAsync(string deviceId, CancellationToken cancellationToken)
    {
        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {Columns}, secret FROM devices WHERE id = $id AND {Live};";
            command.Parameters.AddWithValue("$id", deviceId);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    return null;
                }

                var device = _lastSeen.Overlay(ReadDevice(reader));
                var secret = protector.Unprotect((byte[])reader["secret"], SecretPurpose(device.DeviceId, device.CredentialGeneration))
                    ?? throw new CryptographicException(
                        $"The secret of device {device.DeviceId} does not decrypt: the master key is not the one the registry was written with, or the row was altered.");
                return new DeviceCredential(device, secret);
            }
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<RegisteredDevice>> ListAsync(CancellationToken cancellationToken) =>
        await QueryAsync($"SELECT {Columns} FROM devices WHERE {Live} ORDER BY id;", [], cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    /// <remarks>
    /// The id conditions (after, prefix) are ranges on the primary key and the rows come in its order,
    /// so SQLite reads only the page's rows and those the other filters skip on the way.
    /// </remarks>
    public async Task<IReadOnlyList<RegisteredDevice>> ListPageAsync(DevicePageQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var conditions = new List<string> { Live };
        var parameters = new List<(string Name, object Value)>();
        if (query.After != null)
        {
            conditions.Add("id > $after");
            parameters.Add(("$after", query.After));
        }

        if (!string.IsNullOrEmpty(query.IdPrefix))
        {
            // A prefix as a range: id >= prefix AND id < prefix followed by the highest character.
            conditions.Add("id >= $prefix AND id < $prefixEnd");
            parameters.Add(("$prefix", query.IdPrefix));
            parameters.Add(("$prefixEnd", query.IdPrefix + char.MaxValue));
        }

        if (query.Tenant != null)
        {
            conditions.Add("tenant = $tenant");
            parameters.Add(("$tenant", query.Tenant));
        }

        if (query.Role != null)
        {
            conditions.Add("EXISTS (SELECT 1 FROM json_each(roles) WHERE value = $role)");
            parameters.Add(("$role", query.Role));
        }

        if (query.Enabled != null)
        {
            conditions.Add("enabled = $enabled");
            parameters.Add(("$enabled", query.Enabled.Value ? 1 : 0));
        }

        parameters.Add(("$limit", Math.Max(0, query.Limit)));
        return await QueryAsync($"SELECT {Columns} FROM devices WHERE {string.Join(" AND ", conditions)} ORDER BY id LIMIT $limit;", parameters, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT count(*) FROM devices WHERE {Live};";
            return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<RegisteredDevice>> FindManyAsync(IReadOnlyCollection<string> deviceIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deviceIds);
        var devices = new List<RegisteredDevice>(deviceIds.Count);

        // One statement per chunk, the ids as one JSON array parameter (json_each), so neither the
        // statement's text nor its parameter count grows with the number of ids.
        foreach (var chunk in deviceIds.Chunk(FindManyChunk))
        {
            devices.AddRange(await QueryAsync(
                $"SELECT {Columns} FROM devices WHERE {Live} AND id IN (SELECT value FROM json_each($ids));",
                ("$ids", JsonSerializer.Serialize(chunk)),
                cancellationToken).ConfigureAwait(false));
        }

        return devices;
    }

    /// <inheritdoc />
    public async Task<RegistryResult> SetEnabledAsync(string deviceId, bool enabled, CancellationToken cancellationToken)
    {
        var changed = await ExecuteAsync($"UPDATE devices SET enabled = $enabled WHERE id = $id AND {Live};", deviceId, cancellationToken, ("$enabled", enabled ? 1 : 0)).ConfigureAwait(false);
        return Changed(deviceId, changed);
    }

    /// <inheritdoc />
    public Task<DeviceCredential?> RotateSecretAsync(string deviceId, CancellationToken cancellationToken) =>
        ReplaceAsync(deviceId, RandomNumberGenerator.GetBytes(DeviceKeyDerivation.KeyLength), null, cancellationToken);

    /// <inheritdoc />
    public Task<DeviceCredential?> ReplaceSecretAsync(string deviceId, ReadOnlyMemory<byte> secret, long expectedGeneration, CancellationToken cancellationToken) =>
        ReplaceAsync(deviceId, secret.ToArray(), expectedGeneration, cancellationToken);

    private async Task<DeviceCredential?> ReplaceAsync(string deviceId, byte[] secret, long? expectedGeneration, CancellationToken cancellationToken)
    {
        RegisteredDevice? device;
        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // BEGIN IMMEDIATE: the generation read and the update are one step even with another writer.
            using var transaction = connection.BeginTransaction(deferred: false);
            using var read = connection.CreateCommand();
            read.Transaction = transaction;
            read.CommandText = $"SELECT {Columns} FROM devices WHERE id = $id AND {Live};";
            read.Parameters.AddWithValue("$id", deviceId);
            using (var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                device = await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadDevice(reader) : null;
            }

            if (device == null || (expectedGeneration is { } expected && device.CredentialGeneration != expected))
            {
                return null;
            }

            device = device with { CredentialGeneration = device.CredentialGeneration + 1, CredentialSince = Now() };
            using var update = connection.CreateCommand();
            update.Transaction = transaction;
            update.CommandText = "UPDATE devices SET generation = $generation, secret = $secret, credential_since = $since WHERE id = $id;";
            update.Parameters.AddWithValue("$id", deviceId);
            update.Parameters.AddWithValue("$generation", device.CredentialGeneration);
            update.Parameters.AddWithValue("$secret", protector.Protect(secret, SecretPurpose(deviceId, device.CredentialGeneration)));
            update.Parameters.AddWithValue("$since", device.CredentialSince.ToUnixTimeMilliseconds());
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        DeviceChanged?.Invoke(this, deviceId);
        await database.CheckpointAsync(cancellationToken).ConfigureAwait(false);
        return new DeviceCredential(device, secret);
    }

    /// <inheritdoc />
    public async Task<RegistryResult> DeleteAsync(string deviceId, CancellationToken cancellationToken)
    {
        // The tombstone keeps the id and its last generation (so registering the id again continues
        // it, and no token of this registration ever matches a later one) and when it was deleted;
        // the secret (zero bytes left), tenant, roles and times of the registration are wiped.
        var changed = await ExecuteAsync(
            "UPDATE devices SET deleted_at = $now, enabled = 0, tenant = '', roles = '[]', secret = X'', "
            + $"created_at = $now, credential_since = $now, last_seen_at = NULL WHERE id = $id AND {Live};",
            deviceId,
            cancellationToken,
            ("$now", Now().ToUnixTimeMilliseconds())).ConfigureAwait(false);
        var result = Changed(deviceId, changed);
        if (result == RegistryResult.Ok)
        {
            await database.CheckpointAsync(cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    /// <inheritdoc />
    /// <remarks>Coalesced and written within <see cref="LastSeenWriter.FlushInterval"/>; this registry's reads include it at once.</remarks>
    public Task TouchAsync(string deviceId, DateTimeOffset seenAt, CancellationToken cancellationToken)
    {
        _lastSeen.Record(deviceId, seenAt.ToUnixTimeMilliseconds());
        return Task.CompletedTask;
    }

    /// <summary>Writes the last-seen times not yet written.</summary>
    public ValueTask DisposeAsync() => _lastSeen.DisposeAsync();

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>The generation of the id's row, live or tombstone (null when the id was never registered), and whether it is a tombstone.</summary>
    private static async Task<(long? Generation, bool Deleted)> ReadGenerationAsync(SqliteConnection connection, SqliteTransaction transaction, string deviceId, CancellationToken cancellationToken)
    {
        using var read = connection.CreateCommand();
        read.Transaction = transaction;
        read.CommandText = "SELECT generation, deleted_at IS NOT NULL FROM devices WHERE id = $id;";
        read.Parameters.AddWithValue("$id", deviceId);
        using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? (reader.GetInt64(0), reader.GetInt64(1) != 0) : (null, false);
    }

    private RegistryResult Changed(string deviceId, int rows)
    {
        if (rows == 0)
        {
            return RegistryResult.NotFound;
        }

        DeviceChanged?.Invoke(this, deviceId);
        return RegistryResult.Ok;
    }

    private DateTimeOffset Now() => DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());

    private async Task<int> ExecuteAsync(string sql, string deviceId, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.Parameters.AddWithValue("$id", deviceId);
            foreach (var (name, value) in parameters)
            {
                command.Parameters.AddWithValue(name, value);
            }

            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private Task<List<RegisteredDevice>> QueryAsync(string sql, (string Name, string Value)? parameter, CancellationToken cancellationToken) =>
        QueryAsync(sql, parameter is { } p ? [(p.Name, (object)p.Value)] : [], cancellationToken);

    private async Task<List<RegisteredDevice>> QueryAsync(string sql, IReadOnlyList<(string Name, object Value)> parameters, CancellationToken cancellationToken)
    {
        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var (name, value) in parameters)
            {
                command.Parameters.AddWithValue(name, value);
            }

            var devices = new List<RegisteredDevice>();
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    devices.Add(_lastSeen.Overlay(ReadDevice(reader)));
                }
            }

            return devices;
        }
    }

    private static RegisteredDevice ReadDevice(SqliteDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        JsonSerializer.Deserialize<string[]>(reader.GetString(2)) ?? [],
        reader.GetInt64(3) != 0,
        reader.GetInt64(4),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
        reader.IsDBNull(7) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7)));
}
