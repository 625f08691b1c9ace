using System.Buffers.Binary;
using System.Text.Unicode;

namespace M2M.Gateway.Ingress.Packets;

/// <summary>
/// Reads the data types of MQTT 5 section 1.5 from a packet body, refusing instead of throwing:
/// every read checks it stays inside the body, UTF-8 Encoded Strings are checked as section 1.5.4
/// requires, Variable Byte Integers as section 1.5.5 requires. Positions are absolute offsets in
/// the packet body, also when reading a slice of it (a properties block).
/// </summary>
internal ref struct PacketReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly int _origin;
    private int _position;

    public PacketReader(ReadOnlySpan<byte> data, int origin = 0)
    {
        _data = data;
        _origin = origin;
    }

    /// <summary>The offset of the next byte in the packet body.</summary>
    public readonly int Position => _origin + _position;

    public readonly int Remaining => _data.Length - _position;

    public readonly bool End => _position == _data.Length;

    public bool TryReadByte(out byte value, out PacketError error)
    {
        if (!TryTake(1, out var bytes, out error))
        {
            value = 0;
            return false;
        }

        value = bytes[0];
        return true;
    }

    /// <summary>A Two Byte Integer, big-endian (1.5.2).</summary>
    public bool TryReadUInt16(out ushort value, out PacketError error)
    {
        value = TryTake(2, out var bytes, out error) ? BinaryPrimitives.ReadUInt16BigEndian(bytes) : (ushort)0;
        return error == default;
    }

    /// <summary>A Four Byte Integer, big-endian (1.5.3).</summary>
    public bool TryReadUInt32(out uint value, out PacketError error)
    {
        value = TryTake(4, out var bytes, out error) ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : 0;
        return error == default;
    }

    /// <summary>A Variable Byte Integer (1.5.5): at most 4 bytes, minimally encoded.</summary>
    public bool TryReadVariableByteInteger(out int value, out PacketError error)
    {
        var consumed = VariableByteInteger.Decode(_data[_position..], out value);
        error = consumed switch
        {
            0 => PacketErrors.Truncated,
            < 0 => PacketErrors.BadVariableByteInteger,
            _ => default,
        };
        if (consumed <= 0)
        {
            value = 0;
            return false;
        }

        _position += consumed;
        return true;
    }

    /// <summary>A Packet Identifier (2.2.1): a Two Byte Integer, non-zero where a packet carries one (MQTT-2.2.1-3).</summary>
    public bool TryReadPacketId(out ushort packetId, out PacketError error)
    {
        if (!TryReadUInt16(out packetId, out error))
        {
            return false;
        }

        error = packetId == 0 ? PacketErrors.PacketIdZero : default;
        return packetId != 0;
    }

    /// <summary>Binary Data (1.5.6): a Two Byte Integer length, then that many bytes.</summary>
    public bool TryReadBinary(out ReadOnlySpan<byte> value, out PacketError error)
    {
        value = default;
        return TryReadUInt16(out var length, out error) && TryTake(length, out value, out error);
    }

    /// <summary>A UTF-8 Encoded String (1.5.4): Binary Data that is well-formed UTF-8 without U+0000.</summary>
    public bool TryReadString(out ReadOnlySpan<byte> value, out PacketError error) =>
        TryReadBinary(out value, out error) && MqttUtf8.TryValidate(value, out error);

    /// <summary>The next <paramref name="length"/> bytes.</summary>
    public bool TryTake(int length, out ReadOnlySpan<byte> value, out PacketError error)
    {
        if (length > Remaining)
        {
            value = default;
            error = PacketErrors.Truncated;
            return false;
        }

        value = _data.Slice(_position, length);
        _position += length;
        error = default;
        return true;
    }

    /// <summary>Everything left (a PUBLISH payload, section 3.3.3).</summary>
    public ReadOnlySpan<byte> TakeRest()
    {
        var rest = _data[_position..];
        _position = _data.Length;
        return rest;
    }

    /// <summary>Refuses bytes left over after the last field.</summary>
    public readonly bool TryEnd(out PacketError error)
    {
        error = End ? default : PacketErrors.TrailingBytes;
        return End;
    }
}

/// <summary>The checks section 1.5.4 puts on a UTF-8 Encoded String.</summary>
internal static class MqttUtf8
{
    public static bool TryValidate(ReadOnlySpan<byte> value, out PacketError error)
    {
        // U+0000 is MQTT-1.5.4-2; in well-formed UTF-8 only the byte 0x00 encodes it (the overlong
        // C0 80 is ill-formed). Ill-formed UTF-8, surrogate code points included, is MQTT-1.5.4-1.
        // The "Disallowed Unicode code points" (control characters, non-characters) are a SHOULD
        // NOT with a MAY refuse; they are accepted here.
        error = value.Contains((byte)0) ? PacketErrors.NullCharacter
            : !Utf8.IsValid(value) ? PacketErrors.BadUtf8
            : default;
        return error == default;
    }
}
