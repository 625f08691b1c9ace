// Declarations from github.com/nanoframework/System.Net, nanoFramework.System.Net/NetworkInformation/NetworkInterface.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System.Net.NetworkInformation
{
    public class NetworkInterface
    {
        public extern static bool GetIsNetworkAvailable();
        protected NetworkInterface(int interfaceIndex) { }
        public static NetworkInterface[] GetAllNetworkInterfaces() => throw null;
        public void EnableDhcp() => throw null;
        public string IPv4Address => throw null;
        public bool IsDhcpEnabled => throw null;
        public byte[] PhysicalAddress { get => throw null; set => throw null; }
    }
}
