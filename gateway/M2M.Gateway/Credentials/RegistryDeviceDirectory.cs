using M2M.Gateway.Ingress.Seams;
using M2M.Gateway.Registry;

namespace M2M.Gateway.Credentials;

/// <summary>
/// The MQTT ingress's view of the device registry (<see cref="IDeviceDirectory"/>): a device with its
/// K_msg derived from S (docs/protocol.md section 2.2). A registry failure answers Unavailable (CONNACK
/// 0x88), never "unknown".
/// </summary>
public sealed partial class RegistryDeviceDirectory : IDeviceDirectory, IDisposable
{
    private readonly IDeviceRegistry _registry;
    private readonly ILogger<RegistryDeviceDirectory> _logger;

    public RegistryDeviceDirectory(IDeviceRegistry registry, ILogger<RegistryDeviceDirectory> logger)
    {
        _registry = registry;
        _logger = logger;
        _registry.DeviceChanged += OnDeviceChanged;
    }

    public event EventHandler<string>? DeviceChanged;

    public async ValueTask<DeviceLookup> FindAsync(string deviceId, CancellationToken cancellationToken)
    {
        DeviceCredential? credential;
        try
        {
            credential = await _registry.FindCredentialAsync(deviceId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogRegistryFailed(exception, deviceId);
            return DeviceLookup.Unavailable;
        }

        if (credential == null)
        {
            return DeviceLookup.NotFound;
        }

        var device = credential.Device;
        return DeviceLookup.Found(new DeviceRecord(device.DeviceId, device.Enabled, device.Tenant, device.Roles, device.CredentialGeneration, DeviceKeys.MessageKey(credential.Secret.Span)));
    }

    public void Dispose() => _registry.DeviceChanged -= OnDeviceChanged;

    private void OnDeviceChanged(object? sender, string deviceId) => DeviceChanged?.Invoke(this, deviceId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Registry look-up of {DeviceId} failed")]
    private partial void LogRegistryFailed(Exception exception, string deviceId);
}
