using System.Net;
using System.Net.Sockets;

namespace M2M.Testing;

/// <summary>Free TCP ports on 127.0.0.1 for servers the tests start.</summary>
/// <remarks>
/// Ports come from below the kernel's ephemeral range (Linux: 32768-60999), never from it: a port
/// the OS handed out for "any free port" can be taken a moment later as the source port of an
/// outgoing client connection, and the server that was meant to bind it then fails with "address
/// in use". Each process walks the range from its own random start and never hands a port out
/// twice, and every port is checked by binding it first.
/// </remarks>
public static class LoopbackPort
{
    private const int First = 20000;
    private const int Last = 32000;
    private static int _next = First + Random.Shared.Next(Last - First);

    /// <summary>A port that is free now and that no other caller in this process was given.</summary>
    public static int Free()
    {
        for (var attempt = 0; attempt < Last - First; attempt++)
        {
            var port = First + (Interlocked.Increment(ref _next) % (Last - First));
            if (IsFree(port))
            {
                return port;
            }
        }

        throw new InvalidOperationException($"No free TCP port on 127.0.0.1 between {First} and {Last}.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
