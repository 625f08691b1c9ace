using System.Text.RegularExpressions;

namespace M2M.Gateway.Registry;

/// <summary>
/// What a device id, a tenant and a role may look like. The device id rule is the protocol's
/// (docs/protocol.md section 2.1): it is the OAuth client id, the MQTT client identifier and part of
/// every topic, so nothing outside <c>a-z 0-9 -</c> may enter it. Tenants and roles travel in access
/// tokens and audit lines; a narrow alphabet keeps them free of separators and control characters.
/// </summary>
public static partial class DeviceNames
{
    /// <summary>Most roles a device may have.</summary>
    public const int MaxRoles = 32;

    /// <summary>True when <paramref name="deviceId"/> matches <c>^[a-z0-9-]{3,64}$</c>.</summary>
    public static bool IsValidDeviceId(string? deviceId) => deviceId != null && DeviceIdPattern().IsMatch(deviceId);

    /// <summary>True for 1 to 64 of <c>a-z A-Z 0-9 . _ -</c>.</summary>
    public static bool IsValidTenant(string? tenant) => tenant != null && NamePattern().IsMatch(tenant);

    /// <summary>True for at most <see cref="MaxRoles"/> distinct roles, each 1 to 64 of <c>a-z A-Z 0-9 . _ - :</c>.</summary>
    public static bool AreValidRoles(IReadOnlyList<string>? roles) =>
        roles != null && roles.Count <= MaxRoles && roles.All(r => r != null && RolePattern().IsMatch(r)) && roles.Distinct(StringComparer.Ordinal).Count() == roles.Count;

    // \z rather than $: $ also matches before a final newline.
    [GeneratedRegex(@"^[a-z0-9-]{3,64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex DeviceIdPattern();

    [GeneratedRegex(@"^[a-zA-Z0-9._-]{1,64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^[a-zA-Z0-9._:-]{1,64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex RolePattern();
}
