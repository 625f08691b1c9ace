using M2M.Gateway.Ingress.Seams;
using M2M.Gateway.Ingress.Sessions;

namespace M2M.Gateway.Access;

/// <summary>
/// Access tokens as credentials of the admin and consumer APIs (docs/admin-api.md, "Roles and
/// tenants"): the token is validated as at CONNECT (the gateway's own or a trusted issuer's,
/// <see cref="IAccessTokenValidator"/>) and bound to its device's current registration
/// (<see cref="BindCredential"/>); a disabled, deleted or rotated device's tokens are refused. The
/// principal is <c>device:{id}</c> within the device's tenant, with those of the device's roles that
/// are <see cref="TokenRoles"/>: a device role never makes a device an admin of anything.
/// </summary>
internal sealed class AccessTokenPrincipals(IAccessTokenValidator validator, IDeviceDirectory directory) : IPrincipalSource
{
    /// <summary>The built-in roles a device's token may carry into the APIs.</summary>
    public static readonly IReadOnlyList<string> TokenRoles = [AccessRoles.TelemetryReader];

    // A JWS compact serialization (RFC 7515 section 7.1): three base64url parts, the header a JSON object.
    public bool Accepts(string bearer) => bearer.StartsWith("eyJ", StringComparison.Ordinal) && bearer.Count(c => c == '.') == 2;

    public async ValueTask<PrincipalResult> AuthenticateAsync(string bearer, CancellationToken cancellationToken)
    {
        var token = await validator.ValidateAccessTokenAsync(bearer, cancellationToken).ConfigureAwait(false);
        if (!token.Succeeded)
        {
            return PrincipalResult.Refused(token.Reason);
        }

        var (device, refusal) = await BindCredential.ToCurrentAsync(directory, token, cancellationToken).ConfigureAwait(false);
        if (device == null)
        {
            return PrincipalResult.Refused(refusal!);
        }

        var roles = BindCredential.Roles(device, token.Roles).Where(TokenRoles.Contains).ToList();
        return PrincipalResult.Ok(new AccessPrincipal("device:" + device.DeviceId, roles, device.Tenant) { Kind = "device", Claims = token.Claims });
    }
}
