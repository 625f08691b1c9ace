using System.Security.Cryptography;
using M2M.Gateway.Ingress.Seams;

namespace M2M.Gateway.Registry;

/// <summary>
/// The ingress's view of the registry (<see cref="IDeviceDirectory"/>): a device with its K_msg
/// (docs/protocol.md section 2.2), from the <see cref="DeviceKeyCache"/>, and the registry's change
/// events passed on, after the cache dropped the device, so live sessions are cut at once (section 7.1).
/// </summary>
public sealed partial class DeviceDirectory : IDeviceDirectory, IDisposable
{
    private readonly DeviceKeyCache _keys;
    private readonly ILogger<DeviceDirectory> _logger;

    public DeviceDirectory(DeviceKeyCache keys, ILogger<DeviceDirectory> logger)
    {
        _keys = keys;
        _logger = logger;
        _keys.DeviceChanged += OnDeviceChanged;
    }

    /// <inheritdoc />
    public event EventHandler<string>? DeviceChanged;

    /// <inheritdoc />
    public ValueTask<DeviceLookup> FindAsync(string deviceId, CancellationToken cancellationToken) =>
        LookUpAsync(deviceId, _keys.FindAsync, cancellationToken);

    /// <inheritdoc />
    public ValueTask<DeviceLookup> FindCurrentAsync(string deviceId, CancellationToken cancellationToken) =>
        LookUpAsync(deviceId, _keys.ReloadAsync, cancellationToken);

    /// <inheritdoc />
    public async ValueTask<bool> RevalidateCacheAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _keys.RevalidateAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is System.Data.Common.DbException or IOException or InvalidOperationException)
        {
            LogRevalidationFailed(_logger, e.GetType().Name);
            return false;
        }
    }

    public void Dispose() => _keys.DeviceChanged -= OnDeviceChanged;

    private async ValueTask<DeviceLookup> LookUpAsync(string deviceId, Func<string, CancellationToken, ValueTask<DeviceKeys?>> find, CancellationToken cancellationToken)
    {
        DeviceKeys? keys;
        try
        {
            keys = await find(deviceId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or CryptographicException or IOException or InvalidOperationException)
        {
            // A registry that cannot answer (locked, unreadable, wrong master key) is "unavailable"
            // (MQTT 0x88, section 9.2), not "unknown device": the device is not at fault.
            LogUnavailable(_logger, deviceId, e.GetType().Name);
            return DeviceLookup.Unavailable;
        }

        if (keys == null)
        {
            return DeviceLookup.NotFound;
        }

        var device = keys.Device;
        return DeviceLookup.Found(new DeviceRecord(
            device.DeviceId,
            device.Enabled,
            device.Tenant,
            device.Roles,
            device.CredentialGeneration,
            device.CredentialSince,
            keys.MessageKey));
    }

    private void OnDeviceChanged(object? sender, string deviceId) => DeviceChanged?.Invoke(this, deviceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Registry look-up of {DeviceId} failed ({Error})")]
    private static partial void LogUnavailable(ILogger logger, string deviceId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Revalidating the cached device records failed ({Error}); they expire on their own")]
    private static partial void LogRevalidationFailed(ILogger logger, string error);
}
