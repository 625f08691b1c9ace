using M2M.Gateway.Access;
using M2M.Gateway.Tokens.Federation;

namespace M2M.Gateway.Tokens.ServiceClients;

/// <summary>A service client the token endpoint issues a token to, with the tenant and roles the token carries.</summary>
/// <param name="Client">The active client.</param>
/// <param name="Tenant">The tenant the token acts in: the client's, or, for a global client, the federation assertion's tenant claim; null for every tenant.</param>
/// <param name="Roles">The roles the token holds: the client's, narrowed by a federation assertion's roles claim.</param>
public sealed record AuthenticatedServiceClient(ApiKey Client, string? Tenant, IReadOnlyList<string> Roles);

/// <summary>
/// The stage of the token endpoint that authenticates a service client (docs/tokens.md, "Service
/// clients"): by its client secret (client_secret_basic or client_secret_post, RFC 6749 section
/// 2.3.1; refusals are <c>invalid_client</c>, section 5.2), or by the grant of a federation
/// assertion already validated by <see cref="ValidateFederatedAssertion"/> (refusals are
/// <c>invalid_grant</c>, RFC 7523 section 3.1). Either way the client must be active (not revoked,
/// not expired), and its use is recorded.
/// </summary>
public sealed class AuthenticateServiceClient(ServiceClientStore clients)
{
    /// <summary>The client whose id and secret these are, or why not.</summary>
    public async Task<(AuthenticatedServiceClient? Client, TokenReason? Reason)> BySecretAsync(string clientId, string secret, CancellationToken cancellationToken)
    {
        var result = await clients.AuthenticateAsync(clientId, secret, cancellationToken).ConfigureAwait(false);
        return result.Key is { } client
            ? (new AuthenticatedServiceClient(client, client.Tenant, client.Roles), null)
            : (null, result.Reason switch
            {
                "client_revoked" => TokenReason.ClientRevoked,
                "client_expired" => TokenReason.ClientExpired,
                "unknown_client" => TokenReason.UnknownClient,
                _ => TokenReason.BadClientSecret,
            });
    }

    /// <summary>
    /// The client a federation assertion maps to, or why not. The assertion can only narrow: a
    /// tenant-scoped client's tenant must equal the assertion's tenant claim (when the source names
    /// one), a global client's token is confined to that tenant, and a roles claim keeps only the
    /// client's roles it names.
    /// </summary>
    public async Task<(AuthenticatedServiceClient? Client, TokenReason? Reason)> ByGrantAsync(FederatedGrant grant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grant);
        var result = await clients.FindActiveAsync(grant.ClientId, recordUse: true, cancellationToken).ConfigureAwait(false);
        if (result.Key is not { } client)
        {
            return (null, TokenReason.InvalidGrant(result.Reason));
        }

        if (grant.Tenant != null && client.Tenant != null && !string.Equals(grant.Tenant, client.Tenant, StringComparison.Ordinal))
        {
            return (null, TokenReason.InvalidGrant("tenant_mismatch"));
        }

        var roles = grant.Roles == null ? client.Roles : [.. client.Roles.Where(grant.Roles.Contains)];
        return (new AuthenticatedServiceClient(client, client.Tenant ?? grant.Tenant, roles), null);
    }
}
