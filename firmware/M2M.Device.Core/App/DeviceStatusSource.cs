using M2M.Device.Core.Platform;

namespace M2M.Device.Core.App
{
    /// <summary>
    /// The default telemetry, which needs no extra hardware: free managed memory and Wi-Fi signal
    /// strength. (Uptime, boot epoch and messages dropped are written by the telemetry collector,
    /// which owns them.)
    /// </summary>
    public sealed class DeviceStatusSource : ITelemetrySource
    {
        private readonly IDeviceStatus _status;

        public DeviceStatusSource(IDeviceStatus status)
        {
            _status = status;
        }

        /// <inheritdoc />
        public void AppendTo(TelemetryPayload payload)
        {
            var free = _status.FreeManagedMemory;
            if (free >= 0)
            {
                payload.Add("heap_free", free);
            }

            var rssi = _status.SignalStrength;
            if (rssi != 0)
            {
                payload.Add("rssi_dbm", rssi);
            }
        }
    }
}
