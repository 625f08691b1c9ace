using System.Buffers.Binary;
using System.Text;

namespace M2M.Gateway.Ingress.Packets;

/// <summary>A part of a packet the encoder writes twice: once measuring, once for real, so sizes are never computed by a second piece of logic.</summary>
internal interface IPacketPart
{
    void Write(scoped ref PacketSpanWriter writer);
}

/// <summary>
/// Writes the data types of MQTT 5 section 1.5 into a span, or, when measuring, only counts the
/// bytes it would write. Strings are refused (ArgumentException) when MQTT cannot carry them:
/// over 65,535 bytes (1.5.4) or containing U+0000 (MQTT-1.5.4-2): the encoder never sends
/// what the codec would refuse.
/// </summary>
internal ref struct PacketSpanWriter
{
    private readonly Span<byte> _span;
    private readonly bool _measuring;

    public PacketSpanWriter(Span<byte> span)
    {
        _span = span;
    }

    private PacketSpanWriter(bool measuring)
    {
        _measuring = measuring;
    }

    public int Position { get; private set; }

    public static PacketSpanWriter Measuring() => new(measuring: true);

    /// <summary>Bytes <paramref name="part"/> takes.</summary>
    public static int Measure<TPart>(scoped in TPart part)
        where TPart : IPacketPart, allows ref struct
    {
        var measure = Measuring();
        part.Write(ref measure);
        return measure.Position;
    }

    public void WriteByte(byte value)
    {
        if (TryNext(1, out var destination))
        {
            destination[0] = value;
        }
    }

    public void WriteUInt16(ushort value)
    {
        if (TryNext(2, out var destination))
        {
            BinaryPrimitives.WriteUInt16BigEndian(destination, value);
        }
    }

    public void WriteUInt32(uint value)
    {
        if (TryNext(4, out var destination))
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination, value);
        }
    }

    public void WriteVariableByteInteger(int value)
    {
        if (TryNext(VariableByteInteger.Size(value), out var destination))
        {
            VariableByteInteger.Write(destination, value);
        }
    }

    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        if (TryNext(value.Length, out var destination))
        {
            value.CopyTo(destination);
        }
    }

    /// <summary>Binary Data (1.5.6).</summary>
    public void WriteBinary(ReadOnlySpan<byte> value)
    {
        if (value.Length > ushort.MaxValue)
        {
            throw new ArgumentException("MQTT Binary Data holds at most 65,535 bytes (MQTT 5 section 1.5.6).", nameof(value));
        }

        WriteUInt16((ushort)value.Length);
        WriteBytes(value);
    }

    /// <summary>A UTF-8 Encoded String (1.5.4).</summary>
    public void WriteString(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        if (length > ushort.MaxValue || value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("An MQTT UTF-8 Encoded String holds at most 65,535 bytes and no U+0000 (MQTT 5 section 1.5.4).", nameof(value));
        }

        WriteUInt16((ushort)length);
        if (TryNext(length, out var destination))
        {
            Encoding.UTF8.GetBytes(value, destination);
        }
    }

    /// <summary>A Property Length and the properties of <paramref name="properties"/> (2.2.2).</summary>
    public void WriteProperties<TPart>(scoped in TPart properties)
        where TPart : IPacketPart, allows ref struct
    {
        WriteVariableByteInteger(Measure(properties));
        properties.Write(ref this);
    }

    public void WriteProperty(PropertyId id, byte? value)
    {
        if (value is { } present)
        {
            WriteByte((byte)id);
            WriteByte(present);
        }
    }

    public void WriteProperty(PropertyId id, bool? value) => WriteProperty(id, value is { } present ? (byte)(present ? 1 : 0) : null);

    public void WriteProperty(PropertyId id, ushort? value)
    {
        if (value is { } present)
        {
            WriteByte((byte)id);
            WriteUInt16(present);
        }
    }

    public void WriteProperty(PropertyId id, uint? value)
    {
        if (value is { } present)
        {
            WriteByte((byte)id);
            WriteUInt32(present);
        }
    }

    public void WriteProperty(PropertyId id, string? value)
    {
        if (value is not null)
        {
            WriteByte((byte)id);
            WriteString(value);
        }
    }

    public void WriteUserProperty(string name, string value)
    {
        WriteByte((byte)PropertyId.UserProperty);
        WriteString(name);
        WriteString(value);
    }

    /// <summary>Advances by <paramref name="length"/>; false when measuring, or the bytes to fill.</summary>
    private bool TryNext(int length, out Span<byte> destination)
    {
        destination = _measuring ? default : _span.Slice(Position, length);
        Position += length;
        return !_measuring;
    }
}
