using M2M.Gateway.Access;

namespace M2M.Gateway.OperatorConsole.SignIn;

/// <summary>Who signed in: the key's id (the audit log's actor) and the role it acts with.</summary>
/// <param name="KeyId">The admin key's id.</param>
/// <param name="Role">Its role.</param>
public sealed record ConsoleIdentity(string KeyId, string Role);

/// <summary>
/// The console's view of the gateway's API keys: the only place the console asks the key store, so
/// its sign-in and its session checks follow the admin API's own keys and nothing parallel to them.
/// </summary>
public sealed class ConsoleKeys(ApiKeyStore keys, TimeProvider time)
{
    /// <summary>The identity of <paramref name="presented"/>, or null when it is no key of this gateway.</summary>
    public async Task<ConsoleIdentity?> AuthenticateAsync(string presented, CancellationToken cancellationToken)
    {
        var key = (await keys.AuthenticateAsync(presented, cancellationToken).ConfigureAwait(false)).Key;

        // The console acts with the key's strongest role: admin, else operator, else viewer.
        var role = key == null ? null : new[] { AccessRoles.Admin, AccessRoles.Operator, AccessRoles.Viewer }.FirstOrDefault(key.Roles.Contains);
        return key == null || role == null || key.Tenant != null ? null : new ConsoleIdentity(key.Id, role);
    }

    /// <summary>Whether the key <paramref name="keyId"/> is still active (checked at every request of a session).</summary>
    public async Task<bool> IsActiveAsync(string keyId, CancellationToken cancellationToken)
    {
        var key = await keys.FindAsync(keyId, cancellationToken).ConfigureAwait(false);
        return key != null && key.State(time.GetUtcNow()) == "active";
    }
}
