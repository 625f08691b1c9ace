using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace M2M.Gateway.Telemetry;

/// <summary>
/// The bytes a telemetry signature covers (docs/protocol.md section 6.2): eight fields, each a
/// 4-byte big-endian length and its bytes. The gateway's own implementation, independent of the
/// device code; both are held to the test vectors of section 10.
/// </summary>
public static class SignedMessageEncoding
{
    /// <summary>Domain-separation label, field 1.</summary>
    public const string Label = "m2m/v1/msg-sig";

    private const int FieldCount = 8;
    private static readonly byte[] LabelBytes = Encoding.ASCII.GetBytes(Label);

    /// <summary>The length of the encoding of these fields.</summary>
    public static int GetLength(string deviceId, string topic, string? contentType, int payloadLength) =>
        (FieldCount * sizeof(uint)) + LabelBytes.Length + Encoding.UTF8.GetByteCount(deviceId) + Encoding.UTF8.GetByteCount(topic)
        + sizeof(uint) + sizeof(uint) + sizeof(long) + Encoding.UTF8.GetByteCount(contentType ?? string.Empty) + payloadLength;

    /// <summary>Writes the encoding into <paramref name="destination"/>, which must be exactly <see cref="GetLength"/> bytes.</summary>
    public static void Write(Span<byte> destination, string deviceId, string topic, uint epoch, uint sequence, long timestampMilliseconds, string? contentType, ReadOnlySpan<byte> payload)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(timestampMilliseconds);
        var writer = new FieldWriter(destination);
        writer.Write(LabelBytes);
        writer.WriteUtf8(deviceId);
        writer.WriteUtf8(topic);
        writer.WriteUInt32Field(epoch);
        writer.WriteUInt32Field(sequence);
        writer.WriteInt64Field(timestampMilliseconds);
        writer.WriteUtf8(contentType ?? string.Empty);
        writer.Write(payload);
        if (writer.Position != destination.Length)
        {
            throw new ArgumentException("The destination is not the length of the encoding.", nameof(destination));
        }
    }

    /// <summary>Returns the encoding as a new array.</summary>
    public static byte[] Encode(string deviceId, string topic, uint epoch, uint sequence, long timestampMilliseconds, string? contentType, ReadOnlySpan<byte> payload)
    {
        var buffer = new byte[GetLength(deviceId, topic, contentType, payload.Length)];
        Write(buffer, deviceId, topic, epoch, sequence, timestampMilliseconds, contentType, payload);
        return buffer;
    }

    /// <summary>
    /// True when <paramref name="signature"/> is HMAC-SHA256 under K_msg of the encoding. The
    /// comparison takes the same time wherever the first differing byte is.
    /// </summary>
    public static bool VerifySignature(ReadOnlySpan<byte> messageKey, ReadOnlySpan<byte> encoding, ReadOnlySpan<byte> signature)
    {
        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(messageKey, encoding, expected);
        return CryptographicOperations.FixedTimeEquals(expected, signature);
    }

    private ref struct FieldWriter(Span<byte> destination)
    {
        private readonly Span<byte> _destination = destination;

        public int Position { get; private set; }

        public void Write(ReadOnlySpan<byte> value)
        {
            BinaryPrimitives.WriteUInt32BigEndian(_destination[Position..], (uint)value.Length);
            value.CopyTo(_destination[(Position + sizeof(uint))..]);
            Position += sizeof(uint) + value.Length;
        }

        public void WriteUtf8(string value)
        {
            var length = Encoding.UTF8.GetBytes(value, _destination[(Position + sizeof(uint))..]);
            BinaryPrimitives.WriteUInt32BigEndian(_destination[Position..], (uint)length);
            Position += sizeof(uint) + length;
        }

        public void WriteUInt32Field(uint value)
        {
            BinaryPrimitives.WriteUInt32BigEndian(_destination[Position..], sizeof(uint));
            BinaryPrimitives.WriteUInt32BigEndian(_destination[(Position + sizeof(uint))..], value);
            Position += 2 * sizeof(uint);
        }

        public void WriteInt64Field(long value)
        {
            BinaryPrimitives.WriteUInt32BigEndian(_destination[Position..], sizeof(long));
            BinaryPrimitives.WriteInt64BigEndian(_destination[(Position + sizeof(uint))..], value);
            Position += sizeof(uint) + sizeof(long);
        }
    }
}
