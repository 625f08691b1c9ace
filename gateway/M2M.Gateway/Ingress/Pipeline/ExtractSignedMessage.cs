using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.Options;

namespace M2M.Gateway.Ingress.Pipeline;

/// <summary>
/// Stage 4: reads the m2m User Properties (docs/protocol.md section 6.1), each exactly once and in
/// canonical form, within the configured limits on property count, lengths (UTF-8 bytes) and content
/// type. Works on the properties' UTF-8 bytes as the packet carries them: nothing is allocated but
/// the result. Anything wrong with them is the message's fault: PUBACK 0x83, never a disconnect.
/// </summary>
public sealed class ExtractSignedMessage(IOptions<MqttIngressOptions> options) : IPublishStage
{
    // base64url without padding of a 32-byte HMAC-SHA256 is 43 characters.
    private static readonly int SignatureChars = Base64Url.GetEncodedLength(HMACSHA256.HashSizeInBytes);

    private readonly MqttIngressOptions _options = options.Value;

    public ValueTask<PublishOutcome?> RunAsync(PublishContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Extract(context));

    private PublishOutcome? Extract(PublishContext context)
    {
        var packet = context.Packet;
        if (packet.UserPropertyCount > _options.MaxUserProperties
            || (context.ContentType != null && Encoding.UTF8.GetByteCount(context.ContentType) > _options.MaxContentTypeBytes))
        {
            return PublishOutcome.MalformedProperties;
        }

        int version = -1, epoch = -1, sequence = -1, timestamp = -1, signature = -1;
        for (var i = 0; i < packet.UserPropertyCount; i++)
        {
            var name = packet.UserPropertyName(i);
            if (name.Length > _options.MaxUserPropertyLength || packet.UserPropertyValue(i).Length > _options.MaxUserPropertyLength)
            {
                return PublishOutcome.MalformedProperties;
            }

            ref var slot = ref Slot(name, ref version, ref epoch, ref sequence, ref timestamp, ref signature);
            if (Unsafe.IsNullRef(ref slot))
            {
                continue;
            }

            if (slot >= 0)
            {
                // Each m2m property exactly once (section 6.1).
                return PublishOutcome.MalformedProperties;
            }

            slot = i;
        }

        if (version < 0 || epoch < 0 || sequence < 0 || timestamp < 0 || signature < 0
            || !TryParseCanonical(packet.UserPropertyValue(version), out var versionValue))
        {
            return PublishOutcome.MalformedProperties;
        }

        if (versionValue != 1)
        {
            return PublishOutcome.UnsupportedVersion;
        }

        if (!TryParseCanonical(packet.UserPropertyValue(epoch), out var epochValue) || epochValue > uint.MaxValue
            || !TryParseCanonical(packet.UserPropertyValue(sequence), out var sequenceValue) || sequenceValue > uint.MaxValue
            || !TryParseCanonical(packet.UserPropertyValue(timestamp), out var timestampValue) || timestampValue > long.MaxValue
            || !TryDecodeCanonicalSignature(packet.UserPropertyValue(signature), out var signatureBytes))
        {
            return PublishOutcome.MalformedProperties;
        }

        context.Message = new SignedMessage((uint)epochValue, (uint)sequenceValue, (long)timestampValue, signatureBytes,
            Encoding.ASCII.GetString(packet.UserPropertyValue(signature)));
        return null;
    }

    /// <summary>The index variable of an m2m property name, or a null reference for any other name.</summary>
    private static ref int Slot(ReadOnlySpan<byte> name, ref int version, ref int epoch, ref int sequence, ref int timestamp, ref int signature)
    {
        if (name.SequenceEqual("m2m-v"u8))
        {
            return ref version;
        }

        if (name.SequenceEqual("m2m-epoch"u8))
        {
            return ref epoch;
        }

        if (name.SequenceEqual("m2m-seq"u8))
        {
            return ref sequence;
        }

        if (name.SequenceEqual("m2m-ts"u8))
        {
            return ref timestamp;
        }

        if (name.SequenceEqual("m2m-sig"u8))
        {
            return ref signature;
        }

        return ref Unsafe.NullRef<int>();
    }

    /// <summary>Decimal ASCII, no sign, spaces or leading zeros ("0" itself excepted), section 6.1.</summary>
    private static bool TryParseCanonical(ReadOnlySpan<byte> text, out ulong value)
    {
        value = 0;
        if (text.Length == 0 || text.Length > 20 || (text.Length > 1 && text[0] == (byte)'0'))
        {
            return false;
        }

        foreach (var digit in text)
        {
            if (digit is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            var next = (value * 10) + (ulong)(digit - '0');
            if (next / 10 != value)
            {
                return false;
            }

            value = next;
        }

        return true;
    }

    /// <summary>base64url without padding (RFC 4648 section 5), and the one text that encodes these bytes (no stray low bits).</summary>
    private static bool TryDecodeCanonicalSignature(ReadOnlySpan<byte> text, out byte[] signature)
    {
        signature = [];
        if (text.Length != SignatureChars)
        {
            return false;
        }

        var decoded = new byte[HMACSHA256.HashSizeInBytes];
        if (Base64Url.DecodeFromUtf8(text, decoded, out var consumed, out var written) != OperationStatus.Done
            || consumed != text.Length || written != decoded.Length)
        {
            return false;
        }

        Span<byte> again = stackalloc byte[SignatureChars];
        if (Base64Url.EncodeToUtf8(decoded, again) != SignatureChars || !again.SequenceEqual(text))
        {
            return false;
        }

        signature = decoded;
        return true;
    }
}
