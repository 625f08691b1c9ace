using System.Net.Sockets;
using System.Text;

namespace M2M.Gateway.Tests.Support;

/// <summary>One MQTT control packet as read off the wire: the fixed header's first byte and the rest.</summary>
public sealed record RawPacket(byte Header, byte[] Body)
{
    /// <summary>The control packet type (MQTT 5 section 2.1.2): 2 CONNACK, 14 DISCONNECT, ...</summary>
    public int Type => Header >> 4;

    /// <summary>The reason code of a CONNACK (its second byte, section 3.2.2.2) or a DISCONNECT (its first, 0 when absent, section 3.14.2.1).</summary>
    public byte ReasonCode => Type switch
    {
        2 => Body[1],
        14 => Body.Length > 0 ? Body[0] : (byte)0,
        _ => throw new InvalidOperationException($"Packet type {Type} carries no reason code here."),
    };

    public override string ToString() => $"type {Type}, {Body.Length} byte(s): {Convert.ToHexString(Body)}";
}

/// <summary>
/// A TCP connection that speaks MQTT byte by byte, for what a library client will not do: stay
/// silent past its keep-alive, omit the password, send garbage.
/// </summary>
public sealed class RawMqttConnection : IDisposable
{
    private readonly TcpClient _socket;

    private RawMqttConnection(TcpClient socket)
    {
        _socket = socket;
        Stream = socket.GetStream();
    }

    public NetworkStream Stream { get; }

    public static async Task<RawMqttConnection> OpenAsync(int port)
    {
        var socket = new TcpClient();
        await socket.ConnectAsync("127.0.0.1", port).ConfigureAwait(false);
        return new RawMqttConnection(socket);
    }

    /// <summary>
    /// An MQTT 5 CONNECT (section 3.1), Clean Start, no properties; the User Name and Password
    /// flags are set only for the values given.
    /// </summary>
    public static byte[] Connect(string clientId, string? userName, string? password, ushort keepAliveSeconds)
    {
        var body = new List<byte>();
        body.AddRange([0x00, 0x04, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 0x05]);
        body.Add((byte)(0x02 | (userName != null ? 0x80 : 0) | (password != null ? 0x40 : 0)));
        body.AddRange([(byte)(keepAliveSeconds >> 8), (byte)keepAliveSeconds, 0x00]);
        foreach (var field in new[] { clientId, userName, password })
        {
            if (field != null)
            {
                var bytes = Encoding.UTF8.GetBytes(field);
                body.AddRange([(byte)(bytes.Length >> 8), (byte)bytes.Length, .. bytes]);
            }
        }

        return [0x10, .. VariableByteInteger(body.Count), .. body];
    }

    public async Task SendAsync(byte[] bytes) => await Stream.WriteAsync(bytes).ConfigureAwait(false);

    /// <summary>The next packet, or null when the gateway closed the connection first.</summary>
    public async Task<RawPacket?> ReadPacketAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        try
        {
            var header = await ReadByteAsync(cancel.Token).ConfigureAwait(false);
            if (header < 0)
            {
                return null;
            }

            int length = 0, shift = 0, next;
            do
            {
                next = await ReadByteAsync(cancel.Token).ConfigureAwait(false);
                if (next < 0)
                {
                    return null;
                }

                length |= (next & 0x7F) << shift;
                shift += 7;
            }
            while ((next & 0x80) != 0);

            var body = new byte[length];
            await Stream.ReadExactlyAsync(body, cancel.Token).ConfigureAwait(false);
            return new RawPacket((byte)header, body);
        }
        catch (Exception exception) when (exception is IOException or EndOfStreamException)
        {
            return null; // Reset or closed by the gateway.
        }
    }

    /// <summary>Reads until the gateway closes the connection; true when it did so (false: a packet came instead).</summary>
    public async Task<bool> IsClosedWithoutReplyAsync(TimeSpan? timeout = null) => await ReadPacketAsync(timeout).ConfigureAwait(false) == null;

    public void Dispose() => _socket.Dispose();

    private async Task<int> ReadByteAsync(CancellationToken cancellationToken)
    {
        var one = new byte[1];
        return await Stream.ReadAsync(one, cancellationToken).ConfigureAwait(false) == 0 ? -1 : one[0];
    }

    private static byte[] VariableByteInteger(int value)
    {
        var bytes = new List<byte>();
        do
        {
            var digit = (byte)(value % 128);
            value /= 128;
            bytes.Add(value > 0 ? (byte)(digit | 0x80) : digit);
        }
        while (value > 0);
        return [.. bytes];
    }
}
