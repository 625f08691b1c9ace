using M2M.Gateway.Registry;

namespace M2M.Gateway.Access;

/// <summary>
/// Service clients (docs/tokens.md, "Service clients"): backend services that obtain the gateway's
/// access tokens at its token endpoint, by the client credentials grant with their client secret
/// (RFC 6749 sections 2.3.1 and 4.4) or by exchanging a JWT of a trusted federation source (RFC 7523
/// section 2.1). Each has an id (the OAuth <c>client_id</c>, chosen by its creator), a name, roles, an
/// optional tenant and expiry, stored exactly as API keys are (<see cref="HashedCredentialStore"/>):
/// its secret only as a hash, shown once. The secret is not a bearer credential of any API.
/// </summary>
public sealed class ServiceClientStore(IRegistryDatabase database, TimeProvider time, ILogger<ServiceClientStore> logger)
    : HashedCredentialStore(database, time, logger, "client", SecretPrefix)
{
    /// <summary>Every client secret starts with this, so secret scanners and people can recognise one.</summary>
    public const string SecretPrefix = "m2m_secret_";

    /// <summary>The <c>sub</c> of a service client's tokens and the id of its principal: this + the client id (a device id never holds a colon).</summary>
    public const string SubjectPrefix = "client:";

    /// <summary>
    /// True for a client id the gateway accepts: 3 to 64 of <c>a-z 0-9 -</c> (the device id rule: it
    /// travels in tokens, audit lines and Basic credentials unescaped), not beginning with <c>ak-</c>,
    /// which API key ids use.
    /// </summary>
    public static bool IsValidClientId(string? clientId) =>
        DeviceNames.IsValidDeviceId(clientId) && !clientId!.StartsWith("ak-", StringComparison.Ordinal);

    /// <summary>Creates a client with a fresh secret, returned once; null when the id is taken (also by a revoked client).</summary>
    public Task<NewApiKey?> CreateAsync(string clientId, string name, IReadOnlyList<string> roles, string? tenant, DateTimeOffset? expiresAt, CancellationToken cancellationToken) =>
        InsertAsync(clientId, name, roles, tenant, expiresAt, cancellationToken);

    /// <summary>
    /// The active client <paramref name="clientId"/> whose secret is <paramref name="secret"/>, its use
    /// recorded; otherwise why not: <c>unknown_client</c>, <c>bad_client_secret</c>,
    /// <c>client_revoked</c> or <c>client_expired</c>.
    /// </summary>
    public async Task<KeyAuthentication> AuthenticateAsync(string clientId, string secret, CancellationToken cancellationToken)
    {
        var result = HasPrefix(secret)
            ? await AuthenticateAsync(secret, clientId, (BadSecret, "client_revoked", "client_expired"), cancellationToken).ConfigureAwait(false)
            : new KeyAuthentication(null, BadSecret);
        return result.Reason == BadSecret && await FindAsync(clientId, cancellationToken).ConfigureAwait(false) == null
            ? new KeyAuthentication(null, UnknownClient)
            : result;
    }

    /// <summary>
    /// The client <paramref name="clientId"/> if it is active now; otherwise why not:
    /// <c>unknown_client</c>, <c>client_revoked</c> or <c>client_expired</c>. With
    /// <paramref name="recordUse"/>, its use is recorded (a federation exchange authenticated it).
    /// </summary>
    public async Task<KeyAuthentication> FindActiveAsync(string clientId, bool recordUse, CancellationToken cancellationToken)
    {
        var client = await FindAsync(clientId, cancellationToken).ConfigureAwait(false);
        var now = Now();
        var reason = client?.State(now) switch
        {
            null => UnknownClient,
            "revoked" => "client_revoked",
            "expired" => "client_expired",
            _ => "ok",
        };
        if (reason == "ok" && recordUse)
        {
            RecordUse(client!.Id, now);
        }

        return new KeyAuthentication(reason == "ok" ? client : null, reason);
    }

    private const string UnknownClient = "unknown_client";
    private const string BadSecret = "bad_client_secret";
}
