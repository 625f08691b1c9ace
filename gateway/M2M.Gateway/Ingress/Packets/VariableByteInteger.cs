namespace M2M.Gateway.Ingress.Packets;

/// <summary>
/// The Variable Byte Integer (MQTT 5 section 1.5.5): 7 bits per byte, least significant first,
/// the high bit set on every byte but the last; at most 4 bytes, and always the fewest bytes that
/// hold the value [MQTT-1.5.5-1]. The one codec for Remaining Length, Property Length, property
/// identifiers and Subscription Identifiers.
/// </summary>
internal static class VariableByteInteger
{
    /// <summary>The largest value 4 bytes hold: 268,435,455.</summary>
    public const int MaxValue = (1 << 28) - 1;

    /// <summary>Bytes the minimal encoding of <paramref name="value"/> takes.</summary>
    public static int Size(int value) => value switch
    {
        < 0 or > MaxValue => throw new ArgumentOutOfRangeException(nameof(value), value, "not representable as an MQTT Variable Byte Integer"),
        < 1 << 7 => 1,
        < 1 << 14 => 2,
        < 1 << 21 => 3,
        _ => 4,
    };

    /// <summary>
    /// Decodes from the start of <paramref name="source"/>. Returns the bytes consumed (1 to 4),
    /// 0 when <paramref name="source"/> ends before the last byte, or -1 when the encoding is
    /// malformed: a continuation bit on the 4th byte (a 5th would follow) or a non-minimal
    /// encoding (a last byte of 0 after a first byte: the value would fit in fewer bytes).
    /// </summary>
    public static int Decode(ReadOnlySpan<byte> source, out int value)
    {
        value = 0;
        for (var i = 0; i < 4; i++)
        {
            if (i == source.Length)
            {
                return 0;
            }

            var b = source[i];
            value |= (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0)
            {
                return i > 0 && b == 0 ? -1 : i + 1;
            }
        }

        return -1;
    }

    /// <summary>Writes the minimal encoding of <paramref name="value"/>; returns the bytes written.</summary>
    public static int Write(Span<byte> destination, int value)
    {
        var size = Size(value);
        for (var i = 0; i < size; i++)
        {
            destination[i] = (byte)((value & 0x7F) | (i < size - 1 ? 0x80 : 0));
            value >>= 7;
        }

        return size;
    }
}
