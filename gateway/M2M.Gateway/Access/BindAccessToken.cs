using M2M.Gateway.Ingress.Seams;
using M2M.Gateway.Ingress.Sessions;

namespace M2M.Gateway.Access;

/// <summary>
/// The principal a valid access token stands for now, bound to what it was issued for (docs/tokens.md,
/// "Binding a token to its registration" and "Service clients"); the one binding of the HTTP APIs
/// (<see cref="AccessTokenPrincipals"/>) and of introspection:
/// <list type="bullet">
/// <item>a device's token through <see cref="BindCredential"/>, as at CONNECT: <c>device:{id}</c> in the
/// device's tenant, holding those of its registry roles that are <see cref="DeviceTokenRoles"/>;</item>
/// <item>a service client's token: the client must be active and its secret's generation the token's
/// <c>m2m_gen</c> (a rotation or a revocation ends every earlier token); <c>client:{id}</c> in the
/// client's tenant (a global client's token may be confined to one), holding the client's current
/// roles that the token also holds (a token never gains a role).</item>
/// </list>
/// </summary>
public sealed class BindAccessToken(IDeviceDirectory directory, ServiceClientStore clients)
{
    /// <summary>The built-in roles a device's token may carry into the APIs.</summary>
    public static readonly IReadOnlyList<string> DeviceTokenRoles = [AccessRoles.TelemetryReader];

    /// <summary>The principal, or why the token is not bound (<see cref="BindCredential.RegistryUnavailable"/> when that cannot be judged now).</summary>
    public async ValueTask<PrincipalResult> RunAsync(CredentialValidation token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (token.ServiceClientId is { } clientId)
        {
            var found = await clients.FindActiveAsync(clientId, recordUse: false, cancellationToken).ConfigureAwait(false);
            if (found.Key is not { } client)
            {
                return PrincipalResult.Refused(found.Reason);
            }

            if (token.CredentialGeneration != client.Generation)
            {
                return PrincipalResult.Refused(BindCredential.CredentialOutdated);
            }

            if (client.Tenant != null && !string.Equals(token.Tenant, client.Tenant, StringComparison.Ordinal))
            {
                return PrincipalResult.Refused(BindCredential.TenantMismatch);
            }

            var held = token.Roles ?? [];
            return PrincipalResult.Ok(new AccessPrincipal(ServiceClientStore.SubjectPrefix + client.Id, [.. client.Roles.Where(held.Contains)], client.Tenant ?? token.Tenant)
            {
                Kind = "service",
                Claims = token.Claims,
            });
        }

        var (device, refusal) = await BindCredential.ToCurrentAsync(directory, token, cancellationToken).ConfigureAwait(false);
        if (device == null)
        {
            return PrincipalResult.Refused(refusal!);
        }

        var roles = BindCredential.Roles(device, token.Roles).Where(DeviceTokenRoles.Contains).ToList();
        return PrincipalResult.Ok(new AccessPrincipal("device:" + device.DeviceId, roles, device.Tenant) { Kind = "device", Claims = token.Claims });
    }
}
