using M2M.Gateway.Ingress.Seams;

namespace M2M.Gateway.Ingress.Sessions;

/// <summary>
/// The one rule that binds a validated access token to its device's current registration
/// (docs/protocol.md sections 5.1 and 7.2, docs/tokens.md "Binding a token to its registration"),
/// applied at CONNECT and at in-band renewal; revalidation holds a session to the credential
/// generation it was bound to. A token is only as good as the registration it was issued for: after a
/// rotation, a deletion or a re-registration every earlier token is refused.
/// </summary>
public static class BindCredential
{
    /// <summary>The token was issued for an earlier credential or registration of the device.</summary>
    public const string CredentialOutdated = "credential_outdated";

    /// <summary>A trusted external issuer's token names another tenant than the registry.</summary>
    public const string TenantMismatch = "tenant_mismatch";

    /// <summary>The registry could not be read: the binding cannot be judged now.</summary>
    public const string RegistryUnavailable = "registry_unavailable";

    /// <summary>
    /// The device record a valid access token is bound to now, from <paramref name="directory"/>, or
    /// why it is not: <see cref="RegistryUnavailable"/>, <c>unknown_device</c>, <c>device_disabled</c>,
    /// or what <see cref="Check"/> says. Used by the APIs that take an access token (the admin and
    /// consumer APIs, introspection), so a token counts there exactly as at CONNECT.
    /// </summary>
    public static async ValueTask<(DeviceRecord? Device, string? Refusal)> ToCurrentAsync(IDeviceDirectory directory, CredentialValidation token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(token);
        var lookup = await directory.FindAsync(token.DeviceId!, cancellationToken).ConfigureAwait(false);
        if (lookup.Device is not { } device)
        {
            return (null, lookup.Status == DeviceLookupStatus.Unavailable ? RegistryUnavailable : "unknown_device");
        }

        if (!device.Enabled)
        {
            return (null, "device_disabled");
        }

        return Check(token, device) is { } unbound ? (null, unbound) : (device, null);
    }

    /// <summary>Null when <paramref name="token"/> is bound to <paramref name="device"/>'s current credential; otherwise why not.</summary>
    public static string? Check(CredentialValidation token, DeviceRecord device)
    {
        if (token.CredentialGeneration is { } generation)
        {
            // The gateway's own token (m2m_gen): issued for exactly this generation. Its tenant and
            // roles claims have no say; the registry's apply.
            return generation == device.CredentialGeneration ? null : CredentialOutdated;
        }

        // A trusted external issuer's token: issued no earlier than the device's current secret came
        // into force, compared in whole seconds as iat is (RFC 7519 section 4.1.6).
        if (token.IssuedAt is not { } issuedAt || issuedAt.ToUnixTimeSeconds() < device.CredentialSince.ToUnixTimeSeconds())
        {
            return CredentialOutdated;
        }

        return token.Tenant == null || string.Equals(token.Tenant, device.Tenant, StringComparison.Ordinal) ? null : TenantMismatch;
    }

    /// <summary>
    /// A session's roles: the registry's, narrowed to <paramref name="tokenRoles"/> when the token's
    /// issuer names a roles claim; a token never adds a role the registry does not give.
    /// </summary>
    public static IReadOnlyList<string> Roles(DeviceRecord device, IReadOnlyList<string>? tokenRoles) =>
        tokenRoles == null ? device.Roles : [.. device.Roles.Where(tokenRoles.Contains)];
}
