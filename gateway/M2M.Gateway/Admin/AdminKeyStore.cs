using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using M2M.Gateway.Registry;

namespace M2M.Gateway.Admin;

/// <summary>A new admin API key: its id (safe to log) and the key itself (shown once, never stored).</summary>
/// <param name="Id">The key's id, e.g. <c>ak-1f2e3d4c5b6a7980</c>; the audit log names the actor by it.</param>
/// <param name="Key">The bearer key, <c>m2m_admin_</c> + base64url of 32 random bytes.</param>
public sealed record NewAdminKey(string Id, string Key);

/// <summary>
/// Admin API keys in the <c>admin_keys</c> table of <c>registry.db</c>. A key is 32 random bytes, so
/// a single SHA-256 suffices as its stored form (no password stretching is needed for a value that
/// cannot be guessed); only the hash and an id are kept.
/// </summary>
public sealed class AdminKeyStore(RegistryDatabase database, TimeProvider time)
{
    /// <summary>Every admin key starts with this, so secret scanners and people can recognise one.</summary>
    public const string Prefix = "m2m_admin_";

    /// <summary>Creates a key and stores its hash; the key is returned once.</summary>
    public async Task<NewAdminKey> CreateAsync(CancellationToken cancellationToken)
    {
        var key = new NewAdminKey(
            "ak-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)),
            Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32)));
        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO admin_keys (id, hash, created_at) VALUES ($id, $hash, $created);";
            command.Parameters.AddWithValue("$id", key.Id);
            command.Parameters.AddWithValue("$hash", Hash(key.Key));
            command.Parameters.AddWithValue("$created", time.GetUtcNow().ToUnixTimeMilliseconds());
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return key;
    }

    /// <summary>The number of keys.</summary>
    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM admin_keys;";
            return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
    }

    /// <summary>The id of the key <paramref name="presented"/>, or null when it is no admin key.</summary>
    public async Task<string?> AuthenticateAsync(string presented, CancellationToken cancellationToken)
    {
        if (!presented.StartsWith(Prefix, StringComparison.Ordinal) || presented.Length > 128)
        {
            return null;
        }

        // Looking up by the hash of a high-entropy key reveals nothing through timing: an attacker
        // cannot choose inputs whose hashes approach a stored one.
        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT id FROM admin_keys WHERE hash = $hash;";
            command.Parameters.AddWithValue("$hash", Hash(presented));
            return (string?)await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
