using System.Buffers.Binary;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace M2M.Gateway.Tests.Support;

/// <summary>A packet as read off the wire: its type (high nibble of the first byte), flags and body.</summary>
public sealed record RawPacket(byte Header, byte[] Body)
{
    /// <summary>The control packet type (MQTT 5 section 2.1.2): 2 CONNACK, 14 DISCONNECT, ...</summary>
    public int Type => Header >> 4;

    /// <summary>The fixed header's flags (section 2.1.3).</summary>
    public int Flags => Header & 0x0F;

    public const int ConnAck = 2;
    public const int PubAck = 4;
    public const int SubAck = 9;
    public const int PingResp = 13;
    public const int Disconnect = 14;

    /// <summary>The reason code of a CONNACK (second byte), PUBACK (after the packet id; 0 when absent) or DISCONNECT (first byte; 0 when absent).</summary>
    public byte ReasonCode => Type switch
    {
        ConnAck => Body[1],
        PubAck => Body.Length > 2 ? Body[2] : (byte)0,
        Disconnect => Body.Length > 0 ? Body[0] : (byte)0,
        _ => throw new InvalidOperationException($"packet type {Type} has no single reason code"),
    };

    /// <summary>The packet identifier of a PUBACK or SUBACK.</summary>
    public int PacketId => BinaryPrimitives.ReadUInt16BigEndian(Body);

    /// <summary>The Reason String property (0x1F) of a CONNACK, PUBACK or DISCONNECT, or null.</summary>
    public string? ReasonString
    {
        get
        {
            var start = Type switch
            {
                ConnAck => 2,
                PubAck => 3,
                Disconnect => 1,
                _ => -1,
            };
            if (start < 0 || Body.Length <= start)
            {
                return null;
            }

            var (length, size) = RawMqttConnection.ReadVariableInteger(Body.AsSpan(start));
            var properties = Body.AsSpan(start + size, length);
            for (var i = 0; i < properties.Length;)
            {
                var id = properties[i++];
                switch (id)
                {
                    case 0x1F:
                    case 0x12:
                    case 0x1A:
                    case 0x1C:
                        var n = BinaryPrimitives.ReadUInt16BigEndian(properties[i..]);
                        if (id == 0x1F)
                        {
                            return Encoding.UTF8.GetString(properties.Slice(i + 2, n));
                        }

                        i += 2 + n;
                        break;
                    case 0x26:
                        var k = BinaryPrimitives.ReadUInt16BigEndian(properties[i..]);
                        var v = BinaryPrimitives.ReadUInt16BigEndian(properties[(i + 2 + k)..]);
                        i += 4 + k + v;
                        break;
                    case 0x11:
                    case 0x27:
                        i += 4;
                        break;
                    case 0x21:
                    case 0x22:
                    case 0x13:
                        i += 2;
                        break;
                    default:
                        i += 1;
                        break;
                }
            }

            return null;
        }
    }

    public override string ToString() => $"type {Type}, {Body.Length} byte(s): {Convert.ToHexString(Body)}";
}

/// <summary>
/// A connection that speaks MQTT byte by byte, written from the specification for what a library
/// client will not do: stay silent past its keep-alive, omit the password, send garbage or exactly
/// the malformed packet a test builds, and read back raw packets. Independent of both MQTTnet and
/// the gateway's own codec.
/// </summary>
public sealed class RawMqttConnection : IDisposable, IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly Stream _stream;
    private readonly List<byte> _received = [];

    private RawMqttConnection(TcpClient tcp, Stream stream)
    {
        _tcp = tcp;
        _stream = stream;
    }

    public static async Task<RawMqttConnection> OpenAsync(int port, bool tls = false)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port).ConfigureAwait(false);
        Stream stream = tcp.GetStream();
        if (tls)
        {
            // The tests only check that the TLS listener bounds its handshake, not whom it serves.
#pragma warning disable CA5359
            var ssl = new SslStream(stream, false, (_, _, _, _) => true);
#pragma warning restore CA5359
            await ssl.AuthenticateAsClientAsync("localhost").ConfigureAwait(false);
            stream = ssl;
        }

        return new RawMqttConnection(tcp, stream);
    }

    /// <summary>Ends the sending half (TCP FIN): the gateway sees the end of the stream after what was sent.</summary>
    public void ShutdownSend() => _tcp.Client.Shutdown(SocketShutdown.Send);

    /// <summary>Sends bytes as they are; false when the gateway already closed the connection.</summary>
    public async Task<bool> SendAsync(byte[] bytes)
    {
        try
        {
            await _stream.WriteAsync(bytes).ConfigureAwait(false);
            await _stream.FlushAsync().ConfigureAwait(false);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>The next packet, or null when the gateway closed the connection first.</summary>
    public async Task<RawPacket?> ReadPacketAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            if (TryTake(out var packet))
            {
                return packet;
            }

            var buffer = new byte[4096];
            int read;
            try
            {
                read = await _stream.ReadAsync(buffer, cancel.Token).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is IOException or System.Net.Sockets.SocketException)
            {
                // Reset by the gateway: closed too.
                return null;
            }

            if (read == 0)
            {
                return null;
            }

            _received.AddRange(buffer.AsSpan(0, read));
        }
    }

    /// <summary>Reads packets until one of <paramref name="type"/> arrives; fails on close.</summary>
    public async Task<RawPacket> ExpectAsync(int type)
    {
        while (true)
        {
            var packet = await ReadPacketAsync().ConfigureAwait(false) ?? throw new InvalidOperationException($"closed while waiting for packet type {type}");
            if (packet.Type == type)
            {
                return packet;
            }
        }
    }

    /// <summary>True once the gateway has closed the connection (after any packets still in flight).</summary>
    public async Task<bool> ClosedAsync(TimeSpan? timeout = null)
    {
        while (true)
        {
            var packet = await ReadPacketAsync(timeout).ConfigureAwait(false);
            if (packet == null)
            {
                return true;
            }
        }
    }

    /// <summary>Reads until the gateway closes the connection; true when it did so without sending a packet first.</summary>
    public async Task<bool> IsClosedWithoutReplyAsync(TimeSpan? timeout = null) => await ReadPacketAsync(timeout).ConfigureAwait(false) == null;

    public void Dispose()
    {
        _stream.Dispose();
        _tcp.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync().ConfigureAwait(false);
        _tcp.Dispose();
    }

    /// <summary>An MQTT 5 CONNECT (section 3.1), Clean Start, no properties; User Name and Password flags only for the values given.</summary>
    public static byte[] Connect(string clientId, string? userName, string? password, ushort keepAliveSeconds) =>
        Connect(clientId, userName, password == null ? null : Encoding.UTF8.GetBytes(password), keepAliveSeconds, properties: null);

    /// <summary>An MQTT 5 CONNECT (section 3.1) with clean start; properties as raw bytes.</summary>
    /// <remarks><paramref name="will"/>, when given, is the Will Properties, Topic and Payload as raw bytes (section 3.1.3.2 to 3.1.3.4); the Will flag is set.</remarks>
    public static byte[] Connect(string clientId, string? userName, byte[]? password, ushort keepAlive = 60, byte[]? properties = null, int level = 5, byte[]? will = null)
    {
        var body = new List<byte>();
        body.AddRange(Utf8String("MQTT"));
        body.Add((byte)level);
        var flags = (byte)(0x02 | (will != null ? 0x04 : 0) | (userName != null ? 0x80 : 0) | (password != null ? 0x40 : 0));
        body.Add(flags);
        body.AddRange([(byte)(keepAlive >> 8), (byte)keepAlive]);
        if (level == 5)
        {
            body.AddRange(VariableInteger((properties ?? []).Length));
            body.AddRange(properties ?? []);
        }

        body.AddRange(Utf8String(clientId));
        body.AddRange(will ?? []);
        if (userName != null)
        {
            body.AddRange(Utf8String(userName));
        }

        if (password != null)
        {
            body.AddRange([(byte)(password.Length >> 8), (byte)password.Length]);
            body.AddRange(password);
        }

        return Packet(0x10, body);
    }

    /// <summary>A PUBLISH (section 3.3); user properties as raw name and value bytes, so a test can send any bytes.</summary>
    public static byte[] Publish(string topic, ushort packetId, byte[] payload, IEnumerable<(byte[] Name, byte[] Value)> userProperties, string? contentType = null, int qos = 1, bool retain = false, byte[]? extraProperties = null)
    {
        var properties = new List<byte>();
        if (contentType != null)
        {
            properties.Add(0x03);
            properties.AddRange(Utf8String(contentType));
        }

        foreach (var (name, value) in userProperties)
        {
            properties.Add(0x26);
            properties.AddRange(Binary(name));
            properties.AddRange(Binary(value));
        }

        properties.AddRange(extraProperties ?? []);
        var body = new List<byte>();
        body.AddRange(Utf8String(topic));
        if (qos > 0)
        {
            body.AddRange([(byte)(packetId >> 8), (byte)packetId]);
        }

        body.AddRange(VariableInteger(properties.Count));
        body.AddRange(properties);
        body.AddRange(payload);
        return Packet((byte)(0x30 | (qos << 1) | (retain ? 1 : 0)), body);
    }

    /// <summary>A SUBSCRIBE (section 3.8) of one filter at QoS 1.</summary>
    public static byte[] Subscribe(ushort packetId, string filter)
    {
        var body = new List<byte> { (byte)(packetId >> 8), (byte)packetId, 0x00 };
        body.AddRange(Utf8String(filter));
        body.Add(0x01);
        return Packet(0x82, body);
    }

    /// <summary>A PINGREQ (section 3.12).</summary>
    public static byte[] PingReq() => [0xC0, 0x00];

    /// <summary>A normal DISCONNECT (section 3.14).</summary>
    public static byte[] Disconnect() => [0xE0, 0x00];

    /// <summary>A fixed header (section 2.1.1) and body.</summary>
    public static byte[] Packet(byte first, IReadOnlyCollection<byte> body) => [first, .. VariableInteger(body.Count), .. body];

    /// <summary>A UTF-8 string with its two-byte length (section 1.5.4).</summary>
    public static byte[] Utf8String(string value) => Binary(Encoding.UTF8.GetBytes(value));

    /// <summary>Binary data with its two-byte length (section 1.5.6).</summary>
    public static byte[] Binary(byte[] value) => [(byte)(value.Length >> 8), (byte)value.Length, .. value];

    /// <summary>A Variable Byte Integer (section 1.5.5).</summary>
    public static byte[] VariableInteger(int value)
    {
        var bytes = new List<byte>();
        do
        {
            var b = (byte)(value % 128);
            value /= 128;
            bytes.Add(value > 0 ? (byte)(b | 0x80) : b);
        }
        while (value > 0);
        return [.. bytes];
    }

    internal static (int Value, int Size) ReadVariableInteger(ReadOnlySpan<byte> bytes)
    {
        int value = 0, multiplier = 1, i = 0;
        while (true)
        {
            var b = bytes[i++];
            value += (b & 0x7F) * multiplier;
            if ((b & 0x80) == 0)
            {
                return (value, i);
            }

            multiplier *= 128;
        }
    }

    private bool TryTake(out RawPacket packet)
    {
        packet = null!;
        if (_received.Count < 2)
        {
            return false;
        }

        int length = 0, multiplier = 1, index = 1;
        while (true)
        {
            if (index >= _received.Count)
            {
                return false;
            }

            var b = _received[index++];
            length += (b & 0x7F) * multiplier;
            if ((b & 0x80) == 0)
            {
                break;
            }

            multiplier *= 128;
        }

        if (_received.Count < index + length)
        {
            return false;
        }

        packet = new RawPacket(_received[0], [.. _received.GetRange(index, length)]);
        _received.RemoveRange(0, index + length);
        return true;
    }
}
