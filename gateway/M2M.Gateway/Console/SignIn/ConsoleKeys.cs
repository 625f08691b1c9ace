using M2M.Gateway.Admin;
using M2M.Gateway.Registry;

namespace M2M.Gateway.OperatorConsole.SignIn;

/// <summary>Who signed in: the key's id (the audit log's actor) and the role it acts with.</summary>
/// <param name="KeyId">The admin key's id.</param>
/// <param name="Role">Its role.</param>
public sealed record ConsoleIdentity(string KeyId, string Role);

/// <summary>
/// The console's view of the gateway's API keys: the only place the console asks the key store, so
/// its sign-in and its session checks follow the admin API's own keys and nothing parallel to them.
/// </summary>
public sealed class ConsoleKeys(AdminKeyStore keys, RegistryDatabase database)
{
    /// <summary>The identity of <paramref name="presented"/>, or null when it is no key of this gateway.</summary>
    public async Task<ConsoleIdentity?> AuthenticateAsync(string presented, CancellationToken cancellationToken)
    {
        var keyId = await keys.AuthenticateAsync(presented, cancellationToken).ConfigureAwait(false);

        // Every admin key may do everything the admin API offers.
        return keyId == null ? null : new ConsoleIdentity(keyId, "admin");
    }

    /// <summary>Whether the key <paramref name="keyId"/> still exists (checked at every request of a session).</summary>
    public async Task<bool> IsActiveAsync(string keyId, CancellationToken cancellationToken)
    {
        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1 FROM admin_keys WHERE id = $id;";
            command.Parameters.AddWithValue("$id", keyId);
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) != null;
        }
    }
}
