namespace M2M.Device.Core.Platform
{
    /// <summary>
    /// The board's own health figures, for the default telemetry: free managed memory
    /// (nanoFramework.Runtime.Native.GC.Run on ESP32) and the Wi-Fi signal strength.
    /// </summary>
    public interface IDeviceStatus
    {
        /// <summary>Free managed heap in bytes, or -1 when the platform cannot tell.</summary>
        long FreeManagedMemory { get; }

        /// <summary>The Wi-Fi signal strength in dBm (negative), or 0 when unknown (not connected, not yet scanned).</summary>
        int SignalStrength { get; }
    }
}
