// Declarations from github.com/nanoframework/System.Device.Wifi, System.Device.Wifi/WifiAdapter.cs,
// WifiNetworkReport.cs and WifiAvailableNetwork.cs.
// Reference only (compatibility gate): real names and signatures, no implementation.
using System;

namespace System.Device.Wifi
{
    public delegate void AvailableNetworksChangedEventHandler(WifiAdapter sender, Object e);

    public sealed class WifiAdapter : IDisposable
    {
        private WifiAdapter() { }
        public event AvailableNetworksChangedEventHandler AvailableNetworksChanged;
        public int NetworkInterface => throw null;
        public WifiNetworkReport NetworkReport => throw null;
        public void Disconnect() => throw null;
        public static WifiAdapter[] FindAllAdapters() => throw null;
        public void ScanAsync() => throw null;
        public void Dispose() => throw null;
    }

    public class WifiNetworkReport
    {
        internal WifiNetworkReport() { }
        public WifiAvailableNetwork[] AvailableNetworks => throw null;
    }

    public class WifiAvailableNetwork
    {
        internal WifiAvailableNetwork() { }
        public string Bsid => throw null;
        public string Ssid => throw null;
        public double NetworkRssiInDecibelMilliwatts => throw null;
        public byte SignalBars => throw null;
    }
}
