using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using M2M.Gateway.Registry;

namespace M2M.Gateway.Tests.Support;

/// <summary>Client assertions as a device builds them (docs/protocol.md section 3.2), and deliberately broken ones.</summary>
public static class TestAssertion
{
    /// <summary>The claims a correct device writes at <paramref name="now"/>.</summary>
    public static Dictionary<string, object> Claims(string deviceId, string audience, DateTimeOffset now) => new()
    {
        ["iss"] = deviceId,
        ["sub"] = deviceId,
        ["aud"] = audience,
        ["jti"] = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16)),
        ["iat"] = now.ToUnixTimeSeconds(),
        ["exp"] = now.AddMinutes(5).ToUnixTimeSeconds(),
    };

    /// <summary>A valid assertion of <paramref name="device"/>.</summary>
    public static string Create(DeviceCredential device, string audience, DateTimeOffset now) =>
        Sign(DeviceKeyDerivation.DeriveAuthKey(device.Secret.Span), Claims(device.Device.DeviceId, audience, now));

    /// <summary>HS256 over these claims (and header) under <paramref name="key"/>.</summary>
    public static string Sign(byte[] key, object claims, string header = """{"alg":"HS256","typ":"JWT"}""")
    {
        var signingInput = Encode(header) + "." + Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(claims));
        return signingInput + "." + Base64Url.EncodeToString(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(signingInput)));
    }

    /// <summary>base64url of UTF-8 text.</summary>
    public static string Encode(string text) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));
}
