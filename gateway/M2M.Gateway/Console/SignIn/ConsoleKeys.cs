using M2M.Gateway.Access;

namespace M2M.Gateway.OperatorConsole.SignIn;

/// <summary>
/// The console's view of the gateway's API keys: the only place the console asks the key store, so
/// its sign-in and its session checks follow the admin API's own keys and nothing parallel to them.
/// </summary>
public sealed class ConsoleKeys(ApiKeyStore keys, TimeProvider time)
{
    /// <summary>The principal of <paramref name="presented"/>, or why it is refused (the key store's reason).</summary>
    public async Task<PrincipalResult> AuthenticateAsync(string presented, CancellationToken cancellationToken)
    {
        var result = await keys.AuthenticateAsync(presented, cancellationToken).ConfigureAwait(false);
        return result.Key == null ? PrincipalResult.Refused(result.Reason) : PrincipalResult.Ok(result.Key.Principal());
    }

    /// <summary>The principal of the key <paramref name="keyId"/> while it is active (checked at every request of a session), else null.</summary>
    public async Task<AccessPrincipal?> FindActiveAsync(string keyId, CancellationToken cancellationToken)
    {
        var key = await keys.FindAsync(keyId, cancellationToken).ConfigureAwait(false);
        return key != null && key.State(time.GetUtcNow()) == "active" ? key.Principal() : null;
    }
}
