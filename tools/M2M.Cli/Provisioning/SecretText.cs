using M2M.Device.Core.Crypto;

namespace M2M.Cli.Provisioning;

/// <summary>The device secret S in text: base64url without padding, 43 characters (docs/protocol.md section 2.1).</summary>
public static class SecretText
{
    /// <summary>The 32 bytes, or null when the text is not a base64url 32-byte secret.</summary>
    public static byte[]? Decode(string text)
    {
        var bytes = Base64Url.Decode(text.Trim());
        return bytes is { Length: 32 } ? bytes : null;
    }
}
