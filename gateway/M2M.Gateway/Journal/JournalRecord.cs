namespace M2M.Gateway.Journal;

/// <summary>A verified telemetry message as the journal keeps it; the relay's input.</summary>
/// <param name="Position">Journal position: increases with every append and is never reused.</param>
/// <param name="DeviceId">The device that signed it.</param>
/// <param name="Tenant">The device's tenant.</param>
/// <param name="CredentialGeneration">The credential generation whose K_msg verified it.</param>
/// <param name="Topic">The exact PUBLISH topic.</param>
/// <param name="Epoch">m2m-epoch.</param>
/// <param name="Sequence">m2m-seq.</param>
/// <param name="DeviceTime">m2m-ts, Unix milliseconds, 0 when the device did not know the time.</param>
/// <param name="GatewayTime">When the gateway accepted it, Unix milliseconds.</param>
/// <param name="ContentType">The Content Type property, or null.</param>
/// <param name="Payload">The exact payload bytes.</param>
/// <param name="Signature">m2m-sig, base64url.</param>
public sealed record JournalRecord(
    long Position,
    string DeviceId,
    string Tenant,
    long CredentialGeneration,
    string Topic,
    uint Epoch,
    uint Sequence,
    long DeviceTime,
    long GatewayTime,
    string? ContentType,
    byte[] Payload,
    string Signature);
