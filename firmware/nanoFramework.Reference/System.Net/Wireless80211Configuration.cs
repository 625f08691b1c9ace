// Declarations from github.com/nanoframework/System.Net, nanoFramework.System.Net/NetworkInformation/Wireless80211Configuration.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System.Net.NetworkInformation
{
    public class Wireless80211Configuration
    {
        public Wireless80211Configuration(uint id) { }
        public string Password { get => throw null; set => throw null; }
        public string Ssid { get => throw null; set => throw null; }
        public uint Id => throw null;
        public void SaveConfiguration() => throw null;
        public static Wireless80211Configuration[] GetAllWireless80211Configurations() => throw null;
    }
}
