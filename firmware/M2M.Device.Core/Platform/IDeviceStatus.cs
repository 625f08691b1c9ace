namespace M2M.Device.Core.Platform
{
    /// <summary>
    /// The board's status: its own health figures, for the default telemetry (free managed memory,
    /// nanoFramework.Runtime.Native.GC.Run on ESP32, and the Wi-Fi signal strength), and why the
    /// application could not start, shown where the board's owner can read it (a board that cannot start
    /// sends no telemetry).
    /// </summary>
    public interface IDeviceStatus
    {
        /// <summary>Free managed heap in bytes, or -1 when the platform cannot tell.</summary>
        long FreeManagedMemory { get; }

        /// <summary>The Wi-Fi signal strength in dBm (negative), or 0 when unknown (not connected, not yet scanned).</summary>
        int SignalStrength { get; }

        /// <summary>
        /// The application could not start: <paramref name="reason"/> is its stable reason
        /// (DeviceApplication.LastError), <paramref name="errorType"/> the full name of the exception's type
        /// when an exception caused it, else null. Never the exception's message: it may quote the
        /// credential or configuration being read. Called after every failed start attempt.
        /// </summary>
        void ReportStartFailure(string reason, string? errorType);
    }
}
