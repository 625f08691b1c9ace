using System.Globalization;
using System.Text.Json;
using M2M.Cli.Admin;

namespace M2M.Cli.Rotation;

/// <summary>
/// The admin API's over-the-air rotation calls (docs/admin-api.md, "Over-the-air rotation"), made the
/// same way by <c>m2m device rotate --over-the-air</c> and <c>m2m sim --rotate-every</c>.
/// </summary>
public static class RotationRequests
{
    /// <summary>Starts an over-the-air rotation of <paramref name="deviceId"/>; the answer is the rotation (state <c>offered</c>).</summary>
    public static async Task<JsonElement> StartAsync(AdminClient client, string deviceId, int? timeoutSeconds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var body = new { overTheAir = true, timeoutSeconds };
        return (await client.SendAsync(HttpMethod.Post, DevicePath(deviceId) + "/rotate", body, cancellationToken).ConfigureAwait(false))!.Value;
    }

    /// <summary>One rotation of <paramref name="deviceId"/> as the gateway has it now.</summary>
    public static async Task<JsonElement> GetAsync(AdminClient client, string deviceId, long sequence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var path = $"{DevicePath(deviceId)}/rotations/{sequence.ToString(CultureInfo.InvariantCulture)}";
        return (await client.SendAsync(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false))!.Value;
    }

    /// <summary>True for the states in which the device keeps its old secret (section 12.6 steps 2 and 4).</summary>
    public static bool KeptTheOldSecret(string? state) => state is "failed" or "rolled_back";

    /// <summary>The admin API path of a device.</summary>
    public static string DevicePath(string deviceId) => $"/admin/v1/devices/{Uri.EscapeDataString(deviceId)}";
}
