using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace M2M.Gateway.Ingress.Pipeline;

/// <summary>
/// Stage 4: reads the m2m User Properties (docs/protocol.md section 6.1), each exactly once and in
/// canonical form, within the configured limits on property count, lengths and content type.
/// </summary>
public sealed class ExtractSignedMessage(IOptions<MqttIngressOptions> options) : IPublishStage
{
    private const string Version = "m2m-v";
    private const string Epoch = "m2m-epoch";
    private const string Sequence = "m2m-seq";
    private const string Timestamp = "m2m-ts";
    private const string Signature = "m2m-sig";
    private static readonly string[] Names = [Version, Epoch, Sequence, Timestamp, Signature];

    // base64url without padding of a 32-byte HMAC-SHA256 is 43 characters.
    private static readonly int SignatureChars = Base64Url.GetEncodedLength(HMACSHA256.HashSizeInBytes);

    private readonly MqttIngressOptions _options = options.Value;

    public ValueTask<PublishOutcome?> RunAsync(PublishContext context, CancellationToken cancellationToken)
    {
        var outcome = Extract(context);
        return ValueTask.FromResult(outcome);
    }

    private PublishOutcome? Extract(PublishContext context)
    {
        if (context.UserProperties.Count > _options.MaxUserProperties
            || context.UserProperties.Any(p => p.Name.Length > _options.MaxUserPropertyLength || p.Value.Length > _options.MaxUserPropertyLength)
            || (context.ContentType != null && Encoding.UTF8.GetByteCount(context.ContentType) > _options.MaxContentTypeBytes))
        {
            return PublishOutcome.MalformedProperties;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in context.UserProperties)
        {
            if (Names.Contains(name, StringComparer.Ordinal) && !values.TryAdd(name, value))
            {
                return PublishOutcome.MalformedProperties;
            }
        }

        if (values.Count != Names.Length)
        {
            return PublishOutcome.MalformedProperties;
        }

        if (!TryParseCanonical(values[Version], out var version))
        {
            return PublishOutcome.MalformedProperties;
        }

        if (version != 1)
        {
            return PublishOutcome.UnsupportedVersion;
        }

        var signatureText = values[Signature];
        if (!TryParseCanonical(values[Epoch], out var epoch) || epoch > uint.MaxValue
            || !TryParseCanonical(values[Sequence], out var sequence) || sequence > uint.MaxValue
            || !TryParseCanonical(values[Timestamp], out var timestamp) || timestamp > long.MaxValue
            || signatureText.Length != SignatureChars
            || !TryDecodeCanonicalSignature(signatureText, out var signature))
        {
            return PublishOutcome.MalformedProperties;
        }

        context.Message = new SignedMessage((uint)epoch, (uint)sequence, (long)timestamp, signature, signatureText);
        return null;
    }

    /// <summary>Decimal ASCII, no sign, spaces or leading zeros ("0" itself excepted), section 6.1.</summary>
    private static bool TryParseCanonical(string text, out ulong value)
    {
        value = 0;
        if (text.Length == 0 || text.Length > 20 || (text.Length > 1 && text[0] == '0') || !text.All(char.IsAsciiDigit))
        {
            return false;
        }

        return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>base64url without padding, and the one text that encodes these bytes (no stray low bits).</summary>
    private static bool TryDecodeCanonicalSignature(string text, out byte[] signature)
    {
        signature = new byte[HMACSHA256.HashSizeInBytes];
        return Base64Url.TryDecodeFromChars(text, signature, out var written)
            && written == signature.Length
            && string.Equals(Base64Url.EncodeToString(signature), text, StringComparison.Ordinal);
    }
}
