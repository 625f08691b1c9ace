using System.Buffers.Text;
using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using M2M.Gateway.Registry;

namespace M2M.Gateway.Access;

/// <summary>An API key as stored: everything but the key itself, of which only a hash is kept.</summary>
/// <param name="Id">Its id, <c>ak-</c> + 16 hex digits; the audit log names the actor by it.</param>
/// <param name="Name">What it is for, chosen by its creator.</param>
/// <param name="Roles">Its built-in roles (<see cref="AccessRoles"/>).</param>
/// <param name="Tenant">The tenant it is confined to, or null for every tenant.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="SecretSince">When its current secret came into force (creation or last rotation).</param>
/// <param name="ExpiresAt">From when it is refused, if set.</param>
/// <param name="RevokedAt">When it was revoked, if it was.</param>
/// <param name="LastUsedAt">When it last authenticated a request, if ever.</param>
/// <param name="Generation">1 at creation, +1 at every rotation: a service client's tokens name it (<c>m2m_gen</c>).</param>
/// <remarks>A service client (<see cref="ServiceClientStore"/>) is stored, and described, as one too.</remarks>
public sealed record ApiKey(
    string Id,
    string Name,
    IReadOnlyList<string> Roles,
    string? Tenant,
    DateTimeOffset CreatedAt,
    DateTimeOffset SecretSince,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt,
    DateTimeOffset? LastUsedAt,
    long Generation = 1)
{
    /// <summary><c>active</c>, <c>expired</c> or <c>revoked</c> at <paramref name="now"/>.</summary>
    public string State(DateTimeOffset now) => RevokedAt != null ? "revoked" : ExpiresAt <= now ? "expired" : "active";

    /// <summary>The principal the key authenticates.</summary>
    public AccessPrincipal Principal() => new(Id, Roles, Tenant);
}

/// <summary>A new key or a rotated one: the key record and its secret, shown once and never stored.</summary>
/// <param name="Key">The stored record.</param>
/// <param name="Secret">The bearer key, <see cref="ApiKeyStore.Prefix"/> + base64url of 32 random bytes.</param>
public sealed record NewApiKey(ApiKey Key, string Secret);

/// <summary>The outcome of authenticating a presented key: the key, or the stable reason it is refused.</summary>
/// <param name="Key">The active key, or null.</param>
/// <param name="Reason"><c>ok</c>, <c>invalid_key</c>, <c>expired_key</c> or <c>revoked_key</c> (for a service client: <c>unknown_client</c>, <c>bad_client_secret</c>, <c>client_expired</c>, <c>client_revoked</c>).</param>
public readonly record struct KeyAuthentication(ApiKey? Key, string Reason);

/// <summary>The outcome of a change to a key.</summary>
public enum KeyChange
{
    /// <summary>Done.</summary>
    Done,

    /// <summary>No key with that id (or not within the caller's tenant).</summary>
    NotFound,

    /// <summary>The id is taken (service clients choose theirs; a revoked one keeps it for the audit trail).</summary>
    Exists,

    /// <summary>The key is revoked: nothing more can be done with it.</summary>
    Revoked,

    /// <summary>Refused: it would leave no active global admin key.</summary>
    LastAdminKey,
}

/// <summary>
/// Secrets the gateway hands out and recognises by their hash, in the <c>admin_keys</c> table of the
/// registry (<see cref="IRegistryDatabase"/>: <c>registry.db</c>, or PostgreSQL in Cluster mode): API keys (<see cref="ApiKeyStore"/>) and service clients' secrets
/// (<see cref="ServiceClientStore"/>), one row each, told apart by <c>kind</c>. A secret is 32 random
/// bytes, so a single SHA-256 suffices as its stored form (no password stretching is needed for a
/// value that cannot be guessed); only the hash and the description are kept. Last use is coalesced
/// (<see cref="LastSeenWriter"/>): a key used a thousand times a second is written once.
/// </summary>
public abstract class HashedCredentialStore : IAsyncDisposable
{
    private const string Columns = "id, name, roles, tenant, created_at, secret_since, expires_at, revoked_at, last_used_at, generation";

    private readonly IRegistryDatabase _database;
    private readonly TimeProvider _time;
    private readonly LastSeenWriter _lastUsed;
    private readonly string _kind;
    private readonly string _prefix;

    /// <param name="database">The registry.</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">Where a failed last-use write is reported.</param>
    /// <param name="kind">The rows' <c>kind</c>: <c>key</c> or <c>client</c>.</param>
    /// <param name="prefix">How each secret begins, so that secret scanners and people can recognise one.</param>
    protected HashedCredentialStore(IRegistryDatabase database, TimeProvider time, ILogger logger, string kind, string prefix)
    {
        _database = database;
        _time = time;
        _kind = kind;
        _prefix = prefix;
        _lastUsed = new LastSeenWriter(database, $"UPDATE admin_keys SET last_used_at = {database.Greatest}(coalesce(last_used_at, 0), @seen) WHERE id = @id;", time, logger);
    }

    /// <summary>Stores a new record with a fresh secret; the secret is returned once. Null when <paramref name="id"/> is taken.</summary>
    protected async Task<NewApiKey?> InsertAsync(string id, string name, IReadOnlyList<string> roles, string? tenant, DateTimeOffset? expiresAt, CancellationToken cancellationToken)
    {
        var now = Now();
        var key = new ApiKey(id, name, roles.ToArray(), tenant, now, now, expiresAt, null, null);
        var secret = NewSecret();
        var inserted = await _database.ExecuteAsync(
            "INSERT INTO admin_keys (id, hash, name, roles, tenant, created_at, secret_since, expires_at, kind, generation) "
            + "VALUES (@id, @hash, @name, @roles, @tenant, @now, @now, @expires, @kind, 1) ON CONFLICT (id) DO NOTHING;",
            cancellationToken,
            ("id", key.Id),
            ("hash", Hash(secret)),
            ("name", name),
            ("roles", JsonSerializer.Serialize(key.Roles)),
            ("tenant", tenant),
            ("now", now.ToUnixTimeMilliseconds()),
            ("expires", expiresAt?.ToUnixTimeMilliseconds()),
            ("kind", _kind)).ConfigureAwait(false);
        return inserted == 1 ? new NewApiKey(key, secret) : null;
    }

    /// <summary>The number of records of this kind, whatever their state.</summary>
    public async Task<long> CountAsync(CancellationToken cancellationToken) =>
        Convert.ToInt64(await _database.ScalarAsync("SELECT count(*) FROM admin_keys WHERE kind = @kind;", cancellationToken, ("kind", _kind)).ConfigureAwait(false), CultureInfo.InvariantCulture);

    /// <summary>Every record (revoked and expired ones included) within <paramref name="tenant"/>'s scope (every one for null), ordered by creation.</summary>
    public async Task<IReadOnlyList<ApiKey>> ListAsync(string? tenant, CancellationToken cancellationToken) =>
        await _database.QueryAsync(
            $"SELECT {Columns} FROM admin_keys WHERE kind = @kind AND (CAST(@tenant AS text) IS NULL OR tenant = @tenant) ORDER BY created_at, id;",
            ReadKey,
            cancellationToken,
            ("kind", _kind),
            ("tenant", tenant)).ConfigureAwait(false);

    /// <summary>The record <paramref name="id"/> of this kind, or null.</summary>
    public async Task<ApiKey?> FindAsync(string id, CancellationToken cancellationToken) =>
        (await _database.QueryAsync($"SELECT {Columns} FROM admin_keys WHERE id = @id AND kind = @kind;", ReadKey, cancellationToken, ("id", id), ("kind", _kind)).ConfigureAwait(false))
            .SingleOrDefault();

    /// <summary>
    /// The record whose secret is <paramref name="presented"/> (and whose id is <paramref name="id"/>
    /// when given) if it is active, its use recorded; otherwise the reason it is refused: the
    /// <paramref name="reasons"/> for unknown, revoked and expired.
    /// </summary>
    protected async Task<KeyAuthentication> AuthenticateAsync(string presented, string? id, (string Unknown, string Revoked, string Expired) reasons, CancellationToken cancellationToken)
    {
        // Looking up by the hash of a high-entropy secret reveals nothing through timing: an attacker
        // cannot choose inputs whose hashes approach a stored one.
        var key = (await _database.QueryAsync(
            $"SELECT {Columns} FROM admin_keys WHERE hash = @hash AND kind = @kind AND (CAST(@id AS text) IS NULL OR id = @id);",
            ReadKey,
            cancellationToken,
            ("hash", Hash(presented)),
            ("kind", _kind),
            ("id", id)).ConfigureAwait(false)).SingleOrDefault();

        var now = Now();
        var reason = key?.State(now) switch
        {
            null => reasons.Unknown,
            "revoked" => reasons.Revoked,
            "expired" => reasons.Expired,
            _ => "ok",
        };
        if (reason != "ok")
        {
            return new KeyAuthentication(null, reason);
        }

        RecordUse(key!.Id, now);
        return new KeyAuthentication(key with { LastUsedAt = now }, reason);
    }

    /// <summary>Notes that the record <paramref name="id"/> authenticated something at <paramref name="now"/>.</summary>
    protected void RecordUse(string id, DateTimeOffset now) => _lastUsed.Record(id, now.ToUnixTimeMilliseconds());

    /// <summary>True when <paramref name="presented"/> begins as this store's secrets do and is not longer than one.</summary>
    protected bool HasPrefix(string presented) => presented.Length <= 128 && presented.StartsWith(_prefix, StringComparison.Ordinal);

    /// <summary>Replaces the secret (the old one stops working at once; the generation grows) and returns the new one, once.</summary>
    public async Task<(KeyChange Change, NewApiKey? Rotated)> RotateAsync(string id, CancellationToken cancellationToken)
    {
        var secret = NewSecret();
        var change = await ChangeAsync(id, false, "UPDATE admin_keys SET hash = @hash, secret_since = @now, generation = generation + 1 WHERE id = @id;",
            ("hash", Hash(secret)), cancellationToken).ConfigureAwait(false);
        var key = change == KeyChange.Done ? await FindAsync(id, cancellationToken).ConfigureAwait(false) : null;
        return (change, key == null ? null : new NewApiKey(key, secret));
    }

    /// <summary>
    /// Sets the expiry (now or later); refused for the last active global admin key, since it would
    /// lock every operator out at that time.
    /// </summary>
    public Task<KeyChange> ExpireAsync(string id, DateTimeOffset at, CancellationToken cancellationToken) =>
        ChangeAsync(id, true, "UPDATE admin_keys SET expires_at = @at WHERE id = @id;", ("at", at.ToUnixTimeMilliseconds()), cancellationToken);

    /// <summary>Revokes for good (the row stays for the audit trail); refused when it would leave no active global admin key.</summary>
    public Task<KeyChange> RevokeAsync(string id, CancellationToken cancellationToken) =>
        ChangeAsync(id, true, "UPDATE admin_keys SET revoked_at = @now WHERE id = @id;", null, cancellationToken);

    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return _lastUsed.DisposeAsync();
    }

    // One transaction that excludes every other writer of admin_keys first (on every node), so two
    // revocations of the last two admin keys cannot both see the other one still active.
    private async Task<KeyChange> ChangeAsync(string id, bool disables, string update, (string Name, object? Value)? parameter, CancellationToken cancellationToken)
    {
        var now = Now().ToUnixTimeMilliseconds();
        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await _database.BeginWriteAsync(connection, "admin_keys", cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                using var command = connection.Command($"SELECT {Columns} FROM admin_keys WHERE id = @id AND kind = @kind;", transaction, ("id", id), ("kind", _kind), ("now", now));
                var key = (await command.ReadAllAsync(ReadKey, cancellationToken).ConfigureAwait(false)).SingleOrDefault();
                if (key == null)
                {
                    return KeyChange.NotFound;
                }

                if (key.RevokedAt != null)
                {
                    return KeyChange.Revoked;
                }

                if (disables && _kind == "key" && key.State(Time(now)) == "active" && key.Tenant == null && key.Roles.Contains(AccessRoles.Admin))
                {
                    // Active global admin keys other than this one: the guard of revocation and
                    // expiry. Only API keys count: a service client is not how an operator gets back in.
                    command.CommandText = "SELECT count(*) FROM admin_keys WHERE kind = 'key' AND id <> @id AND tenant IS NULL AND revoked_at IS NULL "
                        + $"AND (expires_at IS NULL OR expires_at > @now) AND {_database.JsonArrayHolds("admin_keys.roles", "'admin'")};";
                    if (Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) == 0)
                    {
                        return KeyChange.LastAdminKey;
                    }
                }

                command.CommandText = update;
                if (parameter is { } p)
                {
                    command.Add(p.Name, p.Value);
                }

                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return KeyChange.Done;
            }
        }
    }

    private ApiKey ReadKey(DbDataReader reader)
    {
        var id = reader.GetString(0);
        var lastUsed = Math.Max(reader.IsDBNull(8) ? 0 : reader.GetInt64(8), _lastUsed.Pending(id) ?? 0);
        return new ApiKey(
            id,
            reader.GetString(1),
            JsonSerializer.Deserialize<string[]>(reader.GetString(2)) ?? [],
            reader.IsDBNull(3) ? null : reader.GetString(3),
            Time(reader.GetInt64(4)),
            Time(reader.GetInt64(5)),
            reader.TimeOrNull(6),
            reader.TimeOrNull(7),
            lastUsed == 0 ? null : Time(lastUsed),
            reader.GetInt64(9));
    }

    /// <summary>The store's clock, now.</summary>
    protected DateTimeOffset Now() => _time.GetUtcNow();

    private static DateTimeOffset Time(long unixMs) => DateTimeOffset.FromUnixTimeMilliseconds(unixMs);

    private string NewSecret() => _prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}

/// <summary>API keys for people and machines (docs/admin-api.md, "API keys"): bearer credentials of the admin and consumer APIs.</summary>
public sealed class ApiKeyStore(IRegistryDatabase database, TimeProvider time, ILogger<ApiKeyStore> logger)
    : HashedCredentialStore(database, time, logger, "key", Prefix)
{
    /// <summary>Every key starts with this, so secret scanners and people can recognise one.</summary>
    public const string Prefix = "m2m_key_";

    /// <summary>The prefix of the first key of gateways before API keys had roles; such keys still authenticate.</summary>
    public const string BootstrapPrefix = "m2m_admin_";

    /// <summary>The longest name.</summary>
    public const int MaxName = 128;

    /// <summary>Creates a key and stores its hash; the secret is returned once.</summary>
    public async Task<NewApiKey> CreateAsync(string name, IReadOnlyList<string> roles, string? tenant, DateTimeOffset? expiresAt, CancellationToken cancellationToken) =>
        (await InsertAsync("ak-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), name, roles, tenant, expiresAt, cancellationToken).ConfigureAwait(false))
        ?? throw new InvalidOperationException("A random key id repeated itself.");

    /// <summary>The key <paramref name="presented"/> if it is an active one, its use recorded; otherwise the reason it is refused.</summary>
    public Task<KeyAuthentication> AuthenticateAsync(string presented, CancellationToken cancellationToken) =>
        IsKeyShaped(presented)
            ? AuthenticateAsync(presented, null, ("invalid_key", "revoked_key", "expired_key"), cancellationToken)
            : Task.FromResult(new KeyAuthentication(null, "invalid_key"));

    /// <summary>True when <paramref name="presented"/> looks like one of this gateway's API keys (by its prefix).</summary>
    public static bool IsKeyShaped(string presented) =>
        presented.Length <= 128 && (presented.StartsWith(Prefix, StringComparison.Ordinal) || presented.StartsWith(BootstrapPrefix, StringComparison.Ordinal));
}
