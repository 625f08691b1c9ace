using System.Buffers.Text;
using System.Text.Json.Serialization;
using M2M.Gateway.Registry;

namespace M2M.Gateway.Admin;

/// <summary>The body of <c>POST /admin/v1/devices</c>.</summary>
/// <param name="Id">The device id (docs/protocol.md section 2.1).</param>
/// <param name="Tenant">Its tenant.</param>
/// <param name="Roles">Its roles; none when absent.</param>
public sealed record AddDeviceRequest(string? Id, string? Tenant, IReadOnlyList<string>? Roles)
{
    /// <summary>
    /// The first rule the request breaks, as the admin API's problem code and detail, or null when it
    /// is a valid registration. The console checks its form with it too.
    /// </summary>
    public (string Code, string Detail)? Problem() =>
        !DeviceNames.IsValidDeviceId(Id) ? (AdminProblems.InvalidDeviceId, "A device id is 3 to 64 characters from a-z, 0-9 and '-' (docs/protocol.md section 2.1).")
        : !DeviceNames.IsValidTenant(Tenant) ? (AdminProblems.InvalidTenant, "A tenant is 1 to 64 characters from a-z, A-Z, 0-9, '.', '_' and '-'.")
        : Roles != null && !DeviceNames.AreValidRoles(Roles) ? (AdminProblems.InvalidRoles, $"Roles are at most {DeviceNames.MaxRoles} distinct names of 1 to 64 characters from a-z, A-Z, 0-9, '.', '_', '-' and ':'.")
        : null;
}

/// <summary>A device as the admin API shows it (docs/admin-api.md).</summary>
/// <param name="Id">The device id.</param>
/// <param name="Tenant">Its tenant.</param>
/// <param name="Roles">Its roles.</param>
/// <param name="Enabled">False once disabled.</param>
/// <param name="CredentialGeneration">1 at first registration, +1 at every rotation and every registration of a deleted id.</param>
/// <param name="CreatedAt">When it was added.</param>
/// <param name="CredentialSince">When its current secret came into force (registration or rotation).</param>
/// <param name="LastSeenAt">When it last obtained a token or connected; null if never.</param>
/// <param name="Secret">
/// Only in the answers to add and rotate: the new secret S, base64url (43 characters, docs/protocol.md
/// section 2.1), the only place S ever leaves the gateway. Absent (not null) everywhere else.
/// </param>
public sealed record DeviceResponse(
    string Id,
    string Tenant,
    IReadOnlyList<string> Roles,
    bool Enabled,
    long CredentialGeneration,
    DateTimeOffset CreatedAt,
    DateTimeOffset CredentialSince,
    DateTimeOffset? LastSeenAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Secret = null)
{
    /// <summary>A registered device, without its secret.</summary>
    public static DeviceResponse From(RegisteredDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return new(device.DeviceId, device.Tenant, device.Roles, device.Enabled, device.CredentialGeneration, device.CreatedAt, device.CredentialSince, device.LastSeenAt);
    }

    /// <summary>A new credential: the device and its secret.</summary>
    public static DeviceResponse WithSecret(DeviceCredential credential)
    {
        ArgumentNullException.ThrowIfNull(credential);
        return From(credential.Device) with { Secret = Base64Url.EncodeToString(credential.Secret.Span) };
    }
}
