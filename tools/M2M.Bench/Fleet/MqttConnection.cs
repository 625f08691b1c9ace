using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MQTTnet.Adapter;
using MQTTnet.Formatter;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace M2M.Bench.Fleet;

/// <summary>
/// One device's MQTT 5 connection in the load generator, kept lean so that the generator costs the
/// machine as little as possible next to the server it measures: a socket, MQTTnet's packet formatter
/// to encode CONNECT and PUBLISH and to decode CONNACK, one receive loop that matches PUBACKs
/// (MQTT 5 section 3.4) to their packet identifiers, and no per-message task or timer. One sender at a
/// time: the device's loop, so PUBLISH packets go on the wire in the order they were signed.
/// </summary>
public sealed class MqttConnection : IAsyncDisposable
{
    private const int PacketTypePubAck = 4;
    private const int PacketTypeDisconnect = 14;

    private readonly Socket _socket;
    private readonly MqttPacketFormatterAdapter _formatter = new(MqttProtocolVersion.V500, new MqttBufferWriter(4096, 65536));
    // Packet identifier -> when its PUBLISH was sent. A dictionary, not two 64 Ki arrays: the connect
    // scenario opens thousands of connections that never publish, and zeroing 576 KB for each made the
    // generator, not the server, the bottleneck.
    private readonly Dictionary<ushort, long> _pending = [];
    private readonly Lock _lock = new();
    private byte[] _send = new byte[1024];
    private ushort _nextId;
    private bool _connected = true;
    private Task _receiver = Task.CompletedTask;

    private MqttConnection(Socket socket) => _socket = socket;

    /// <summary>The Receive Maximum of the server's CONNACK (MQTT 5 section 3.2.2.3.3; absent means 65,535).</summary>
    public int ReceiveMaximum { get; private set; } = ushort.MaxValue;

    public bool IsConnected
    {
        get
        {
            lock (_lock)
            {
                return _connected;
            }
        }
    }

    /// <summary>A PUBACK arrived for a message published at the given timestamp, with its reason code.</summary>
    public Action<long, byte>? Acknowledged { get; set; }

    /// <summary>The connection closed with a message published at the given timestamp still unanswered, for the reason given.</summary>
    public Action<long, string>? Failed { get; set; }

    /// <summary>Connects and authenticates; returns the connection, or null and why it was refused.</summary>
    public static async Task<(MqttConnection? Connection, string? Refusal)> ConnectAsync(int port, string clientId, string? user, string? password, TimeSpan timeout)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var cancel = new CancellationTokenSource(timeout);
            await socket.ConnectAsync(IPAddress.Loopback, port, cancel.Token).ConfigureAwait(false);
            var connection = new MqttConnection(socket);
            await connection.SendAsync(new MqttConnectPacket
            {
                ClientId = clientId,
                Username = user,
                Password = password == null ? null : Encoding.UTF8.GetBytes(password),
                CleanSession = true,
                KeepAlivePeriod = 900,
            }, cancel.Token).ConfigureAwait(false);
            // One receive usually holds the whole CONNACK; whatever follows it is the receive loop's.
            var buffer = new byte[4096];
            var filled = 0;
            byte header;
            int bodyStart, bodyLength;
            while (!TryFrame(buffer.AsSpan(0, filled), out header, out bodyStart, out bodyLength))
            {
                buffer = Room(buffer, filled);
                var read = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, cancel.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    socket.Dispose();
                    return (null, "closed before CONNACK");
                }

                filled += read;
            }

            var decoded = connection._formatter.Decode(new ReceivedMqttPacket(header, new ArraySegment<byte>(buffer, bodyStart, bodyLength), bodyStart + bodyLength));
            if (decoded is not MqttConnAckPacket connAck)
            {
                socket.Dispose();
                return (null, $"packet type {header >> 4} instead of CONNACK");
            }

            if (connAck.ReasonCode != MqttConnectReasonCode.Success)
            {
                socket.Dispose();
                return (null, connAck.ReasonCode.ToString());
            }

            connection.ReceiveMaximum = connAck.ReceiveMaximum > 0 ? connAck.ReceiveMaximum : ushort.MaxValue;
            var rest = filled - bodyStart - bodyLength;
            Buffer.BlockCopy(buffer, bodyStart + bodyLength, buffer, 0, rest);
            connection._receiver = Task.Run(() => connection.ReceiveAsync(buffer, rest));
            return (connection, null);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            return (null, e.SocketErrorCode.ToString());
        }
        catch (OperationCanceledException)
        {
            socket.Dispose();
            return (null, "no CONNACK in time");
        }
    }

    /// <summary>Sends a QoS 1 PUBLISH; its PUBACK (or the connection's end) is reported with <paramref name="publishedAt"/>.</summary>
    public async ValueTask PublishAsync(MqttPublishPacket packet, long publishedAt)
    {
        lock (_lock)
        {
            if (!_connected)
            {
                throw new InvalidOperationException("the connection is closed");
            }

            do
            {
                _nextId = (ushort)(_nextId == ushort.MaxValue ? 1 : _nextId + 1);
            }
            while (!_pending.TryAdd(_nextId, publishedAt));
            packet.PacketIdentifier = _nextId;
        }

        await SendAsync(packet, CancellationToken.None).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (IsConnected)
        {
            try
            {
                // DISCONNECT, normal disconnection (MQTT 5 section 3.14).
                await _socket.SendAsync(new byte[] { 0xE0, 0x00 }, SocketFlags.None).ConfigureAwait(false);
                _socket.Shutdown(SocketShutdown.Both);
            }
            catch (SocketException)
            {
                // Already closed by the server.
            }
        }

        _socket.Dispose();
        await _receiver.ConfigureAwait(false);
    }

    /// <summary>Encodes with MQTTnet's formatter and writes the packet in one send.</summary>
    private async ValueTask SendAsync(MqttPacket packet, CancellationToken cancellationToken)
    {
        var encoded = _formatter.Encode(packet);
        if (_send.Length < encoded.Length)
        {
            _send = new byte[encoded.Length * 2];
        }

        encoded.Packet.AsSpan().CopyTo(_send);
        encoded.Payload.CopyTo(_send.AsSpan(encoded.Packet.Count));
        await _socket.SendAsync(_send.AsMemory(0, encoded.Length), SocketFlags.None, cancellationToken).ConfigureAwait(false);
    }

    private async Task ReceiveAsync(byte[] buffer, int filled)
    {
        var reason = "connection closed by the server";
        try
        {
            while (true)
            {
                var offset = 0;
                while (TryFrame(buffer.AsSpan(offset, filled - offset), out var header, out var bodyStart, out var bodyLength))
                {
                    var body = buffer.AsSpan(offset + bodyStart, bodyLength);
                    if (header >> 4 == PacketTypePubAck)
                    {
                        // Packet identifier, then the reason code (absent: 0x00 success; MQTT 5 section 3.4.2.1).
                        Acknowledge(BinaryPrimitives.ReadUInt16BigEndian(body), body.Length > 2 ? body[2] : (byte)0);
                    }
                    else if (header >> 4 == PacketTypeDisconnect)
                    {
                        reason = $"DISCONNECT 0x{(body.Length > 0 ? body[0] : 0):X2} from the server";
                    }

                    offset += bodyStart + bodyLength;
                }

                Buffer.BlockCopy(buffer, offset, buffer, 0, filled - offset);
                filled -= offset;
                buffer = Room(buffer, filled);
                var read = await _socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                filled += read;
            }
        }
        catch (SocketException e)
        {
            reason = e.SocketErrorCode.ToString();
        }
        catch (ObjectDisposedException)
        {
            // Closed by DisposeAsync.
        }

        Close(reason);
    }

    private void Acknowledge(ushort id, byte reasonCode)
    {
        long since;
        lock (_lock)
        {
            if (!_pending.Remove(id, out since))
            {
                return;
            }
        }

        Acknowledged?.Invoke(since, reasonCode);
    }

    private void Close(string reason)
    {
        List<long> unanswered;
        lock (_lock)
        {
            _connected = false;
            unanswered = [.. _pending.Values];
            _pending.Clear();
        }

        foreach (var since in unanswered)
        {
            Failed?.Invoke(since, reason);
        }
    }

    /// <summary>The buffer, twice as large when <paramref name="filled"/> leaves no room (a packet larger than it).</summary>
    private static byte[] Room(byte[] buffer, int filled)
    {
        if (filled < buffer.Length)
        {
            return buffer;
        }

        Array.Resize(ref buffer, buffer.Length * 2);
        return buffer;
    }

    /// <summary>A whole packet at the start of <paramref name="data"/>: fixed header, Remaining Length (MQTT 5 section 2.1.4), body.</summary>
    private static bool TryFrame(ReadOnlySpan<byte> data, out byte header, out int bodyStart, out int bodyLength)
    {
        (header, bodyStart, bodyLength) = (0, 0, 0);
        if (data.Length < 2)
        {
            return false;
        }

        var multiplier = 1;
        for (var i = 1; i <= 4 && i < data.Length; i++)
        {
            bodyLength += (data[i] & 0x7F) * multiplier;
            if ((data[i] & 0x80) == 0)
            {
                header = data[0];
                bodyStart = i + 1;
                return data.Length >= bodyStart + bodyLength;
            }

            multiplier *= 128;
        }

        return false;
    }
}
