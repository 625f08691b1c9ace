using System.Buffers.Text;
using System.Text.Json.Serialization;
using M2M.Gateway.Registry;

namespace M2M.Gateway.Admin;

/// <summary>The body of <c>POST /admin/v1/devices</c>.</summary>
/// <param name="Id">The device id (docs/protocol.md section 2.1).</param>
/// <param name="Tenant">Its tenant.</param>
/// <param name="Roles">Its roles; none when absent.</param>
public sealed record AddDeviceRequest(string? Id, string? Tenant, IReadOnlyList<string>? Roles);

/// <summary>A device as the admin API shows it; never with its secret.</summary>
public record DeviceResponse(
    string Id,
    string Tenant,
    IReadOnlyList<string> Roles,
    bool Enabled,
    long CredentialGeneration,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastSeenAt)
{
    /// <summary>The admin API's view of a registered device.</summary>
    public static DeviceResponse From(RegisteredDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return new(device.DeviceId, device.Tenant, device.Roles, device.Enabled, device.CredentialGeneration, device.CreatedAt, device.LastSeenAt);
    }
}

/// <summary>
/// The answer to add and rotate: the device and its new secret S (base64url, 43 characters,
/// docs/protocol.md section 2.1). The only place S ever leaves the gateway.
/// </summary>
public sealed record DeviceWithSecretResponse(
    string Id,
    string Tenant,
    IReadOnlyList<string> Roles,
    bool Enabled,
    long CredentialGeneration,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastSeenAt,
    [property: JsonPropertyOrder(1)] string Secret)
    : DeviceResponse(Id, Tenant, Roles, Enabled, CredentialGeneration, CreatedAt, LastSeenAt)
{
    /// <summary>The admin API's view of a new credential.</summary>
    public static DeviceWithSecretResponse From(DeviceCredential credential)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var d = credential.Device;
        return new(d.DeviceId, d.Tenant, d.Roles, d.Enabled, d.CredentialGeneration, d.CreatedAt, d.LastSeenAt, Base64Url.EncodeToString(credential.Secret.Span));
    }
}
