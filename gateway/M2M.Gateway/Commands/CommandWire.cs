using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace M2M.Gateway.Commands;

/// <summary>A device's answer to a command, verified (docs/protocol.md section 11.3).</summary>
/// <param name="Sequence">The command's sequence number.</param>
/// <param name="Status">The device's status (<c>ok</c>, <c>unknown_command</c>, ...).</param>
/// <param name="Detail">The detail, <c>key=value</c> lines.</param>
public sealed record CommandAnswer(long Sequence, string Status, string Detail);

/// <summary>
/// The bytes of commands and results (docs/protocol.md sections 11.2 and 11.3): length-prefixed
/// fields as in section 6.2, followed by HMAC-SHA256 under K_cmd. The gateway's own implementation,
/// independent of the device code; both are held to the test vectors of section 10.
/// </summary>
public static class CommandWire
{
    /// <summary>Field 1 of a command.</summary>
    public const string CommandLabel = "m2m/v1/cmd";

    /// <summary>Field 1 of a result.</summary>
    public const string ResultLabel = "m2m/v1/cmd-result";

    /// <summary>Largest command payload a device reads (section 11.2).</summary>
    public const int MaxCommandBytes = 2048;

    /// <summary>Largest result payload the gateway reads.</summary>
    public const int MaxResultBytes = 4096;

    private const int MacLength = HMACSHA256.HashSizeInBytes;

    /// <summary>The signed command payload (section 11.2).</summary>
    public static byte[] EncodeCommand(string deviceId, long sequence, long expiresAtSeconds, string name, string arguments, ReadOnlySpan<byte> commandKey)
    {
        var encoding = EncodeFields(
            Encoding.ASCII.GetBytes(CommandLabel),
            Encoding.UTF8.GetBytes(deviceId),
            BigEndian32((uint)sequence),
            BigEndian64(expiresAtSeconds),
            Encoding.UTF8.GetBytes(name),
            Encoding.UTF8.GetBytes(arguments));
        var length = encoding.Length;
        var payload = new byte[length + MacLength];
        encoding.CopyTo(payload, 0);
        HMACSHA256.HashData(commandKey, payload.AsSpan(0, length), payload.AsSpan(length));
        return payload;
    }

    /// <summary>
    /// Reads a result payload of <paramref name="deviceId"/>: null with <paramref name="badSignature"/>
    /// false when it is not the layout of section 11.3, null with it true when the HMAC does not verify.
    /// The HMAC is checked before any field is believed.
    /// </summary>
    public static CommandAnswer? TryDecodeResult(ReadOnlySpan<byte> payload, string deviceId, ReadOnlySpan<byte> commandKey, out bool badSignature)
    {
        badSignature = false;
        if (payload.Length <= MacLength || payload.Length > MaxResultBytes)
        {
            return null;
        }

        var encoding = payload[..^MacLength];
        Span<byte> expected = stackalloc byte[MacLength];
        HMACSHA256.HashData(commandKey, encoding, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, payload[^MacLength..]))
        {
            badSignature = true;
            return null;
        }

        var reader = new FieldReader(encoding);
        if (!reader.TryText(out var label) || label != ResultLabel
            || !reader.TryText(out var id) || id != deviceId
            || !reader.TryField(out var sequence) || sequence.Length != sizeof(uint)
            || !reader.TryText(out var status) || status.Length is 0 or > 64
            || !reader.TryText(out var detail) || !reader.AtEnd)
        {
            return null;
        }

        return new CommandAnswer(BinaryPrimitives.ReadUInt32BigEndian(sequence), status, detail);
    }

    /// <summary>The field encoding of section 6.2: each field its length (unsigned 32-bit big-endian) then its bytes.</summary>
    public static byte[] EncodeFields(params byte[][] fields)
    {
        var encoding = new byte[fields.Sum(f => sizeof(uint) + f.Length)];
        var position = 0;
        foreach (var bytes in fields)
        {
            BinaryPrimitives.WriteUInt32BigEndian(encoding.AsSpan(position), (uint)bytes.Length);
            bytes.CopyTo(encoding.AsSpan(position + sizeof(uint)));
            position += sizeof(uint) + bytes.Length;
        }

        return encoding;
    }

    /// <summary>A 4-byte unsigned big-endian field.</summary>
    internal static byte[] BigEndian32(uint value)
    {
        var bytes = new byte[sizeof(uint)];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }

    private static byte[] BigEndian64(long value)
    {
        var bytes = new byte[sizeof(long)];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        return bytes;
    }

    private ref struct FieldReader(ReadOnlySpan<byte> data)
    {
        private ReadOnlySpan<byte> _rest = data;

        public readonly bool AtEnd => _rest.IsEmpty;

        public bool TryField(out ReadOnlySpan<byte> field)
        {
            field = default;
            if (_rest.Length < sizeof(uint))
            {
                return false;
            }

            var length = BinaryPrimitives.ReadUInt32BigEndian(_rest);
            if (length > (uint)(_rest.Length - sizeof(uint)))
            {
                return false;
            }

            field = _rest.Slice(sizeof(uint), (int)length);
            _rest = _rest[(sizeof(uint) + (int)length)..];
            return true;
        }

        public bool TryText(out string text)
        {
            text = string.Empty;
            if (!TryField(out var field))
            {
                return false;
            }

            try
            {
                text = new UTF8Encoding(false, true).GetString(field);
                return true;
            }
            catch (DecoderFallbackException)
            {
                return false;
            }
        }
    }
}
