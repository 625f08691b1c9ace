using System;
using System.Device.Wifi;
using System.Diagnostics;
using M2M.Device.Core.Platform;

namespace M2M.Device.Esp32.Platform
{
    /// <summary>
    /// Free managed memory from nanoFramework.Runtime.Native.GC.Run (a collection without compaction
    /// once per telemetry message), and the Wi-Fi signal strength. nanoFramework exposes the RSSI only
    /// through a scan report, so this starts a scan at most every <c>signal_scan_s</c> seconds
    /// (docs/device-config.md) and reports the last value seen for the stored SSID. Why the application
    /// could not start is kept in <see cref="StartFailure"/> and written to the debug output.
    /// </summary>
    public sealed class NanoDeviceStatus : IDeviceStatus
    {
        private readonly IClock _clock;
        private readonly long _scanIntervalMilliseconds;
        private readonly string? _ssid;
        private WifiAdapter? _adapter;
        private long _nextScan;
        private int _rssi;

        /// <summary>Reports the signal of <paramref name="ssid"/>; <paramref name="scanSeconds"/> 0 never scans.</summary>
        public NanoDeviceStatus(IClock clock, int scanSeconds, string? ssid)
        {
            _clock = clock;
            _scanIntervalMilliseconds = scanSeconds * 1000L;
            _ssid = ssid;
        }

        /// <summary>
        /// The last start failure, "reason" or "reason (exception type)", null when none was reported; readable
        /// from the debugger.
        /// </summary>
        public string? StartFailure { get; private set; }

        /// <inheritdoc />
        public long FreeManagedMemory
        {
            get { return nanoFramework.Runtime.Native.GC.Run(false); }
        }

        /// <inheritdoc />
        public int SignalStrength
        {
            get
            {
                StartScanIfDue();
                return _rssi;
            }
        }

        /// <inheritdoc />
        public void ReportStartFailure(string reason, string? errorType)
        {
            StartFailure = errorType == null ? reason : reason + " (" + errorType + ")";

            // The Output window of the nanoFramework extension shows it on a Debug build of the firmware
            // (nanoFramework's Debug.WriteLine is [Conditional("DEBUG")]: a Release image prints nothing).
            Debug.WriteLine("M2M.Device not started: " + StartFailure);
        }

        private void StartScanIfDue()
        {
            if (_scanIntervalMilliseconds == 0 || _ssid == null || _clock.UptimeMilliseconds < _nextScan)
            {
                return;
            }

            _nextScan = _clock.UptimeMilliseconds + _scanIntervalMilliseconds;
            try
            {
                if (_adapter == null)
                {
                    _adapter = WifiAdapter.FindAllAdapters()[0];
                    _adapter.AvailableNetworksChanged += OnScanCompleted;
                }

                _adapter.ScanAsync();
            }
            catch (Exception)
            {
                // Busy connecting, or not started: the next interval tries again; the last value stays.
            }
        }

        private void OnScanCompleted(WifiAdapter sender, object e)
        {
            var networks = sender.NetworkReport.AvailableNetworks;
            for (var i = 0; i < networks.Length; i++)
            {
                if (networks[i].Ssid == _ssid)
                {
                    _rssi = (int)networks[i].NetworkRssiInDecibelMilliwatts;
                    return;
                }
            }
        }
    }
}
