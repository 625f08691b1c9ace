// Declarations from github.com/nanoframework/System.Net, nanoFramework.System.Net/NetworkInformation/NetworkInterfaceType.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System.Net.NetworkInformation
{
    public enum NetworkInterfaceType
    {
        Unknown = 1,
        Ethernet = 6,
        Wireless80211 = 71,
        WirelessAP = 72,
    }
}
