using System.Net;
using System.Net.Sockets;

namespace M2M.Testing;

/// <summary>Free TCP ports on 127.0.0.1 for servers the tests start.</summary>
public static class LoopbackPort
{
    /// <summary>A port that was free a moment ago (the OS picks it).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
