using M2M.Gateway.Registry;

namespace M2M.Gateway.Tokens.Assertion;

/// <summary>K_auth of a device's pending S' (never logged), with the rotation it belongs to.</summary>
public sealed record PendingAuthKey(long Sequence, long BaseGeneration, byte[] AuthKey);

/// <summary>
/// A device's secret agreed over the air and not yet in use (docs/protocol.md section 12.6): the token
/// endpoint checks an assertion under it when the current secret does not verify it, and makes it
/// current once such an assertion is accepted.
/// </summary>
public interface IPendingCredentials
{
    /// <summary>K_auth of the device's pending S', or null when it has none.</summary>
    Task<PendingAuthKey?> FindPendingAuthKeyAsync(RegisteredDevice device, CancellationToken cancellationToken);

    /// <summary>Makes the pending S' current; the new generation, or null when it is no longer pending.</summary>
    Task<long?> PromoteAsync(string deviceId, long sequence, long baseGeneration, CancellationToken cancellationToken);
}
