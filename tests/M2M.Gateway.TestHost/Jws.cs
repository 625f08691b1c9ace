using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace M2M.Gateway.TestHost;

/// <summary>ES256 JWS compact serialization (RFC 7515 section 7.1; RFC 7518 section 3.4: r || s).</summary>
public static class Jws
{
    public static string Sign(ECDsa key, string keyId, string type, ReadOnlySpan<byte> payload)
    {
        var header = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["alg"] = "ES256", ["kid"] = keyId, ["typ"] = type });
        var signingInput = Base64Url.EncodeToString(header) + "." + Base64Url.EncodeToString(payload);
        var signature = key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }
}
