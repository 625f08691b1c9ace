// Declarations from github.com/nanoframework/System.Device.Wifi, System.Device.Wifi/NetworkHelper/WifiNetworkHelper.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System;
using System.Device.Wifi;
using System.Threading;

namespace nanoFramework.Networking
{
    public static class WifiNetworkHelper
    {
        public static ManualResetEvent NetworkReady => throw null;
        public static NetworkHelperStatus Status => throw null;
        public static Exception HelperException { get => throw null; internal set => throw null; }
        public static void SetupNetworkHelper(bool requiresDateTime = false) => throw null;
        public static void SetupNetworkHelper(string ssid, string password, WifiReconnectionKind reconnectionKind = WifiReconnectionKind.Automatic, bool requiresDateTime = false) => throw null;
        public static void Disconnect() => throw null;
        public static bool ConnectDhcp(string ssid, string password, WifiReconnectionKind reconnectionKind = WifiReconnectionKind.Automatic, bool requiresDateTime = false, int wifiAdapterId = 0, CancellationToken token = default) => throw null;
        public static bool ScanAndConnectDhcp(string ssid, string password, WifiReconnectionKind reconnectionKind = WifiReconnectionKind.Automatic, bool requiresDateTime = false, int WifiAdapter = 0, CancellationToken token = default) => throw null;
        public static bool Reconnect(bool requiresDateTime = false, int wifiAdapterId = 0, CancellationToken token = default) => throw null;
        public static void Reset() => throw null;
    }
}
