using System;
using System.Device.Wifi;
using System.Net.NetworkInformation;
using System.Threading;
using M2M.Device.Core.Platform;
using nanoFramework.Networking;

namespace M2M.Device.Esp32.Platform
{
    /// <summary>
    /// The Wi-Fi station link, joined with the profile (SSID, password) that nanoff's network
    /// deployment stored in the board's configuration block, so no Wi-Fi secret lives in the
    /// application or its files. Joins through nanoFramework's WifiNetworkHelper.ConnectDhcp, which is
    /// retryable and bounded by a CancellationToken.
    /// </summary>
    public sealed class WifiNetworkLink : INetworkLink
    {
        /// <inheritdoc />
        public bool IsUp
        {
            get
            {
                var wifi = FindWifiInterface();
                if (wifi == null)
                {
                    return false;
                }

                var address = wifi.IPv4Address;
                return address != null && address.Length > 0 && address != "0.0.0.0";
            }
        }

        /// <summary>The SSID of the stored profile, or null when nanoff has not deployed one.</summary>
        public string? StoredSsid
        {
            get
            {
                var profile = StoredProfile();
                return profile == null ? null : profile.Ssid;
            }
        }

        /// <inheritdoc />
        public bool TryConnect(int timeoutMilliseconds)
        {
            var profile = StoredProfile();
            if (profile == null || profile.Ssid == null || profile.Ssid.Length == 0)
            {
                // Not provisioned with `m2m device provision` (network deployment): nothing to join.
                return false;
            }

            var timeout = new CancellationTokenSource(timeoutMilliseconds);
            try
            {
                // Automatic reconnection lets the ESP-IDF driver rejoin short drops by itself; this call
                // is the application's explicit retry when that did not happen.
                return WifiNetworkHelper.ConnectDhcp(profile.Ssid, profile.Password, WifiReconnectionKind.Automatic, false, 0, timeout.Token);
            }
            catch (Exception)
            {
                return false;
            }
            finally
            {
                timeout.Dispose();
            }
        }

        private static NetworkInterface? FindWifiInterface()
        {
            var interfaces = NetworkInterface.GetAllNetworkInterfaces();
            for (var i = 0; i < interfaces.Length; i++)
            {
                if (interfaces[i].NetworkInterfaceType == NetworkInterfaceType.Wireless80211)
                {
                    return interfaces[i];
                }
            }

            return null;
        }

        private static Wireless80211Configuration? StoredProfile()
        {
            var wifi = FindWifiInterface();
            if (wifi == null)
            {
                return null;
            }

            var profiles = Wireless80211Configuration.GetAllWireless80211Configurations();
            return wifi.SpecificConfigId < profiles.Length ? profiles[wifi.SpecificConfigId] : null;
        }
    }
}
