using System.Data.Common;
using System.Security.Cryptography;
using System.Text.Json;
using M2M.Gateway.Secrets;

namespace M2M.Gateway.Registry;

/// <summary>
/// The device registry: table <c>devices</c> of <c>registry.db</c> (SQLite, Embedded mode) or of the
/// shared PostgreSQL database (Cluster mode), the same SQL on both (<see cref="IRegistryDatabase"/>). Each secret S is generated with
/// <see cref="RandomNumberGenerator"/> and stored only as AES-GCM ciphertext whose purpose names the
/// device and its credential generation, so a ciphertext copied onto another row, or kept from
/// before a rotation, does not decrypt. A deleted device is a tombstone row (<c>deleted_at</c> set,
/// secret wiped) that every read skips; registering its id again continues its generation.
/// Last-seen times are coalesced (<see cref="LastSeenWriter"/>): disposing the registry writes the pending ones.
/// </summary>
public sealed class SqlDeviceRegistry(IRegistryDatabase database, ISecretProtector protector, TimeProvider time, ILogger<SqlDeviceRegistry>? logger = null)
    : IDeviceRegistry, IAsyncDisposable, IDisposable
{
    private const string Columns = "id, tenant, roles, enabled, generation, created_at, credential_since, last_seen_at";

    // Every read and change but registration sees live rows only.
    private const string Live = "deleted_at IS NULL";

    // Ids per statement of FindManyAsync.
    private const int FindManyChunk = 1000;

    private readonly LastSeenWriter _lastSeen = new(database, LastSeenWriter.DevicesUpdate(database), time, (ILogger?)logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

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
            var transaction = await database.BeginWriteAsync(connection, null, cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var (lastGeneration, deleted) = await ReadGenerationAsync(connection, transaction, deviceId, cancellationToken).ConfigureAwait(false);
                if (lastGeneration != null && !deleted)
                {
                    return null;
                }

                // The conflict branch replaces only the tombstone read above: when another node
                // registered the id in between (a row that did not exist, or a tombstone it already
                // brought back), no row changes and the id counts as taken, as it would have here.
                device = new RegisteredDevice(deviceId, tenant, roles.ToArray(), true, (lastGeneration ?? 0) + 1, now, now, null);
                using var command = connection.Command(
                    "INSERT INTO devices (id, tenant, roles, enabled, generation, secret, created_at, credential_since, last_seen_at, deleted_at) "
                    + "VALUES (@id, @tenant, @roles, 1, @generation, @secret, @now, @now, NULL, NULL) "
                    + "ON CONFLICT (id) DO UPDATE SET tenant = excluded.tenant, roles = excluded.roles, enabled = 1, generation = excluded.generation, "
                    + "secret = excluded.secret, created_at = excluded.created_at, credential_since = excluded.credential_since, last_seen_at = NULL, deleted_at = NULL "
                    + "WHERE devices.deleted_at IS NOT NULL AND devices.generation = @lastGeneration;",
                    transaction,
                    ("id", deviceId),
                    ("tenant", tenant),
                    ("roles", JsonSerializer.Serialize(device.Roles)),
                    ("generation", device.CredentialGeneration),
                    ("secret", protector.Protect(secret, SecretPurpose(deviceId, device.CredentialGeneration))),
                    ("now", now.ToUnixTimeMilliseconds()),
                    ("lastGeneration", lastGeneration ?? 0));
                if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
                {
                    return null;
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
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
        (await QueryAsync($"SELECT {Columns} FROM devices WHERE id = @id AND {Live};", cancellationToken, ("id", deviceId)).ConfigureAwait(false)).SingleOrDefault();

    /// <inheritdoc />
    public async Task<DeviceCredential?> FindCredentialAsync(string deviceId, CancellationToken cancellationToken)
    {
        var rows = await database.QueryAsync(
            $"SELECT {Columns}, secret FROM devices WHERE id = @id AND {Live};",
            reader => (Device: _lastSeen.Overlay(ReadDevice(reader)), Secret: (byte[])reader["secret"]),
            cancellationToken,
            ("id", deviceId)).ConfigureAwait(false);
        if (rows.Count == 0)
        {
            return null;
        }

        var (device, ciphertext) = rows[0];
        var secret = protector.Unprotect(ciphertext, SecretPurpose(device.DeviceId, device.CredentialGeneration))
            ?? throw new CryptographicException(
                $"The secret of device {device.DeviceId} does not decrypt: the master key is not the one the registry was written with, or the row was altered.");
        return new DeviceCredential(device, secret);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<RegisteredDevice>> ListAsync(CancellationToken cancellationToken) =>
        await QueryAsync($"SELECT {Columns} FROM devices WHERE {Live} ORDER BY id;", cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    /// <remarks>
    /// The id conditions (after, prefix) are ranges on the primary key and the rows come in its order,
    /// so the database reads only the page's rows and those the other filters skip on the way.
    /// </remarks>
    public async Task<IReadOnlyList<RegisteredDevice>> ListPageAsync(DevicePageQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var conditions = new List<string> { Live };
        var parameters = new List<(string Name, object? Value)>();
        if (query.After != null)
        {
            conditions.Add("id > @after");
            parameters.Add(("after", query.After));
        }

        if (!string.IsNullOrEmpty(query.IdPrefix))
        {
            // A prefix as a range: id >= prefix AND id < prefix followed by the highest character.
            conditions.Add("id >= @prefix AND id < @prefixEnd");
            parameters.Add(("prefix", query.IdPrefix));
            parameters.Add(("prefixEnd", query.IdPrefix + char.MaxValue));
        }

        if (query.Tenant != null)
        {
            conditions.Add("tenant = @tenant");
            parameters.Add(("tenant", query.Tenant));
        }

        if (query.Role != null)
        {
            conditions.Add(database.JsonArrayHolds("roles", "@role"));
            parameters.Add(("role", query.Role));
        }

        if (query.Enabled != null)
        {
            conditions.Add("enabled = @enabled");
            parameters.Add(("enabled", query.Enabled.Value ? 1L : 0L));
        }

        parameters.Add(("limit", (long)Math.Max(0, query.Limit)));
        return await QueryAsync($"SELECT {Columns} FROM devices WHERE {string.Join(" AND ", conditions)} ORDER BY id LIMIT @limit;", cancellationToken, [.. parameters]).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<long> CountAsync(CancellationToken cancellationToken) =>
        Convert.ToInt64(await database.ScalarAsync($"SELECT count(*) FROM devices WHERE {Live};", cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public async Task<IReadOnlyList<RegisteredDevice>> FindManyAsync(IReadOnlyCollection<string> deviceIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deviceIds);
        var devices = new List<RegisteredDevice>(deviceIds.Count);

        // One statement per chunk, the ids as one JSON array parameter, so neither the statement's
        // text nor its parameter count grows with the number of ids.
        foreach (var chunk in deviceIds.Chunk(FindManyChunk))
        {
            devices.AddRange(await QueryAsync(
                $"SELECT {Columns} FROM devices WHERE {Live} AND id IN ({database.ValuesOf("@ids")});",
                cancellationToken,
                ("ids", JsonSerializer.Serialize(chunk))).ConfigureAwait(false));
        }

        return devices;
    }

    /// <inheritdoc />
    public async Task<RegistryResult> SetEnabledAsync(string deviceId, bool enabled, CancellationToken cancellationToken)
    {
        var changed = await database.ExecuteAsync($"UPDATE devices SET enabled = @enabled WHERE id = @id AND {Live};", cancellationToken, ("id", deviceId), ("enabled", enabled ? 1L : 0L)).ConfigureAwait(false);
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
            // The generation read and the update are one step even with another writer (on another
            // node too): the row is locked from the read to the commit.
            var transaction = await database.BeginWriteAsync(connection, null, cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                using (var read = connection.Command($"SELECT {Columns} FROM devices WHERE id = @id AND {Live}{database.ForUpdate};", transaction, ("id", deviceId)))
                {
                    device = (await read.ReadAllAsync(ReadDevice, cancellationToken).ConfigureAwait(false)).SingleOrDefault();
                }

                if (device == null || (expectedGeneration is { } expected && device.CredentialGeneration != expected))
                {
                    return null;
                }

                device = device with { CredentialGeneration = device.CredentialGeneration + 1, CredentialSince = Now() };
                using var update = connection.Command(
                    "UPDATE devices SET generation = @generation, secret = @secret, credential_since = @since WHERE id = @id;",
                    transaction,
                    ("id", deviceId),
                    ("generation", device.CredentialGeneration),
                    ("secret", protector.Protect(secret, SecretPurpose(deviceId, device.CredentialGeneration))),
                    ("since", device.CredentialSince.ToUnixTimeMilliseconds()));
                await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        DeviceChanged?.Invoke(this, deviceId);
        await database.SecretsOverwrittenAsync(cancellationToken).ConfigureAwait(false);
        return new DeviceCredential(device, secret);
    }

    /// <inheritdoc />
    public async Task<RegistryResult> DeleteAsync(string deviceId, CancellationToken cancellationToken)
    {
        // The tombstone keeps the id and its last generation (so registering the id again continues
        // it, and no token of this registration ever matches a later one) and when it was deleted;
        // the secret (zero bytes left), tenant, roles and times of the registration are wiped.
        var changed = await database.ExecuteAsync(
            "UPDATE devices SET deleted_at = @now, enabled = 0, tenant = '', roles = '[]', secret = @wiped, "
            + $"created_at = @now, credential_since = @now, last_seen_at = NULL WHERE id = @id AND {Live};",
            cancellationToken,
            ("id", deviceId),
            ("wiped", Array.Empty<byte>()),
            ("now", Now().ToUnixTimeMilliseconds())).ConfigureAwait(false);
        var result = Changed(deviceId, changed);
        if (result == RegistryResult.Ok)
        {
            await database.SecretsOverwrittenAsync(cancellationToken).ConfigureAwait(false);
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
    private async Task<(long? Generation, bool Deleted)> ReadGenerationAsync(DbConnection connection, DbTransaction transaction, string deviceId, CancellationToken cancellationToken)
    {
        using var read = connection.Command($"SELECT generation, deleted_at FROM devices WHERE id = @id{database.ForUpdate};", transaction, ("id", deviceId));
        var rows = await read.ReadAllAsync(r => ((long?)r.GetInt64(0), !r.IsDBNull(1)), cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? (null, false) : rows[0];
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

    private Task<List<RegisteredDevice>> QueryAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        database.QueryAsync(sql, reader => _lastSeen.Overlay(ReadDevice(reader)), cancellationToken, parameters);

    private static RegisteredDevice ReadDevice(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        JsonSerializer.Deserialize<string[]>(reader.GetString(2)) ?? [],
        reader.GetInt64(3) != 0,
        reader.GetInt64(4),
        reader.Time(5),
        reader.Time(6),
        reader.TimeOrNull(7));
}
