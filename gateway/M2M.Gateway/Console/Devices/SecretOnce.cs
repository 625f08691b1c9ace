namespace M2M.Gateway.OperatorConsole.Devices;

/// <summary>A device's new secret, shown once on the page that created it (registration or rotation).</summary>
/// <param name="DeviceId">The device.</param>
/// <param name="Secret">S, base64url.</param>
public sealed record SecretOnce(string DeviceId, string Secret);
