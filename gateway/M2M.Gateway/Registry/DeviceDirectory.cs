using System.Security.Cryptography;
using M2M.Gateway.Ingress.Seams;
using Microsoft.Data.Sqlite;

namespace M2M.Gateway.Registry;

/// <summary>
/// The ingress's view of the registry (<see cref="IDeviceDirectory"/>): a device with its K_msg
/// (docs/protocol.md section 2.2), and the registry's change events passed on so live sessions are
/// cut at once (section 7.1).
/// </summary>
public sealed partial class DeviceDirectory : IDeviceDirectory, IDisposable
{
    private readonly IDeviceRegistry _registry;
    private readonly ILogger<DeviceDirectory> _logger;

    public DeviceDirectory(IDeviceRegistry registry, ILogger<DeviceDirectory> logger)
    {
        _registry = registry;
        _logger = logger;
        _registry.DeviceChanged += OnDeviceChanged;
    }

    /// <inheritdoc />
    public event EventHandler<string>? DeviceChanged;

    /// <inheritdoc />
    public async ValueTask<DeviceLookup> FindAsync(string deviceId, CancellationToken cancellationToken)
    {
        DeviceCredential? credential;
        try
        {
            credential = await _registry.FindCredentialAsync(deviceId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SqliteException or CryptographicException or IOException or InvalidOperationException)
        {
            // A registry that cannot answer (locked, unreadable, wrong master key) is "unavailable"
            // (MQTT 0x88, section 9.2), not "unknown device": the device is not at fault.
            LogUnavailable(_logger, deviceId, e.GetType().Name);
            return DeviceLookup.Unavailable;
        }

        if (credential == null)
        {
            return DeviceLookup.NotFound;
        }

        var device = credential.Device;
        return DeviceLookup.Found(new DeviceRecord(
            device.DeviceId,
            device.Enabled,
            device.Tenant,
            device.Roles,
            device.CredentialGeneration,
            device.CredentialSince,
            DeviceKeyDerivation.DeriveMessageKey(credential.Secret.Span)));
    }

    public void Dispose() => _registry.DeviceChanged -= OnDeviceChanged;

    private void OnDeviceChanged(object? sender, string deviceId) => DeviceChanged?.Invoke(this, deviceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Registry look-up of {DeviceId} failed ({Error})")]
    private static partial void LogUnavailable(ILogger logger, string deviceId, string error);
}
