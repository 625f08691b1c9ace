namespace M2M.Gateway.OperatorConsole.Devices;

/// <summary>A device's new secret, shown once on the page that created it (registration or rotation).</summary>
/// <param name="DeviceId">The device.</param>
/// <param name="Secret">S, base64url.</param>
/// <param name="Download">The provisioning files as a <c>data:</c> address (<see cref="ProvisioningDownload"/>), or null when the gateway has no MQTT listener.</param>
public sealed record SecretOnce(string DeviceId, string Secret, string? Download);
