using System.Buffers.Binary;
using M2M.Device.Core.Storage;

namespace M2M.Fuzz.Device;

/// <summary>
/// Two record slots (docs/device-credential.md section 3) cut from one fuzz input, so that the fuzzer
/// reaches the content checks behind the frame's CRC-32. Byte 0 holds flags: bit 0 and 1 make slot A
/// and B missing, bit 2 and 3 set slot A's and B's body length field and CRC-32 to match the bytes
/// (a frame the fuzzer could only hit by chance otherwise), bits 4-7 choose where a later write is
/// torn. Bytes 1-2 are where slot B starts in the rest.
/// </summary>
internal readonly record struct SlotInput(byte[]? A, byte[]? B, int TearAt)
{
    public static SlotInput Cut(byte[] input)
    {
        if (input.Length < 3)
        {
            return new(null, null, 0);
        }

        var flags = input[0];
        var rest = input.AsSpan(3);
        var split = Math.Min(BinaryPrimitives.ReadUInt16BigEndian(input.AsSpan(1)), rest.Length);
        var a = (flags & 1) != 0 ? null : Seal(rest[..split].ToArray(), (flags & 4) != 0);
        var b = (flags & 2) != 0 ? null : Seal(rest[split..].ToArray(), (flags & 8) != 0);
        return new(a, b, flags >> 4);
    }

    /// <summary>What is left of <paramref name="written"/> when the power cuts its write: its first <see cref="TearAt"/> sixteenths.</summary>
    public byte[] Torn(byte[] written) => written[..(written.Length * TearAt / 16)];

    private static byte[] Seal(byte[] frame, bool seal)
    {
        if (seal && frame.Length >= RecordFrame.HeaderLength + 4)
        {
            BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(9), (uint)(frame.Length - RecordFrame.HeaderLength - 4));
            BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(frame.Length - 4), Crc32.Compute(frame, 0, frame.Length - 4));
        }

        return frame;
    }
}
