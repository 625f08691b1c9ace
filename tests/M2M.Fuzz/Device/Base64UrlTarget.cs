using M2M.Device.Core.Crypto;

namespace M2M.Fuzz.Device;

/// <summary>
/// The device core's base64url (RFC 4648 section 5, unpadded): <see cref="Base64Url.Decode"/> on any
/// text (it reads the token endpoint's and the provisioning tool's values), and the round trip
/// decode(encode(x)) == x on the input's bytes.
/// </summary>
public sealed class Base64UrlTarget : FuzzTarget
{
    private static readonly HashSet<string> ReasonSet = ["decoded", "not_base64url"];

    public override string Name => "base64url";

    public override string Side => "device";

    public override IReadOnlySet<string> Reasons => ReasonSet;

    public override string Run(byte[] input)
    {
        var encoded = Base64Url.Encode(input);
        if (!(Base64Url.Decode(encoded) ?? []).AsSpan().SequenceEqual(input) || encoded.Contains('=', StringComparison.Ordinal))
        {
            throw new FuzzInvariantException($"base64url: {input.Length} bytes do not come back from '{encoded}'");
        }

        // Every byte as one character: the alphabet check sees all 256 values, not only UTF-8 text.
        var text = string.Create(input.Length, input, (chars, bytes) =>
        {
            for (var i = 0; i < bytes.Length; i++)
            {
                chars[i] = (char)bytes[i];
            }
        });
        var decoded = Base64Url.Decode(text);
        if (decoded != null && decoded.Length != text.Length * 3 / 4)
        {
            throw new FuzzInvariantException($"base64url: {text.Length} characters decoded to {decoded.Length} bytes");
        }

        return decoded == null ? "not_base64url" : "decoded";
    }
}
