using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace M2M.Gateway.Tests.Support;

/// <summary>
/// What a consumer does with a relayed CloudEvent (docs/ingress.md, "Verifying a record"): verify
/// the gateway's ES256 JWS with the key its JWKS names by <c>kid</c>, then check that every signed
/// claim equals the event's attribute and that <c>data_sha256</c> is the hash of the data.
/// </summary>
public static class RecordVerifier
{
    public static bool Verify(JsonElement cloudEvent, ECDsa gatewayPublicKey)
    {
        var parts = cloudEvent.GetProperty("m2mgatewaysig").GetString()!.Split('.');
        if (parts.Length != 3)
        {
            return false;
        }

        using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0]));
        if (header.RootElement.GetProperty("alg").GetString() != "ES256")
        {
            return false;
        }

        var valid = gatewayPublicKey.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url.DecodeFromChars(parts[2]),
            HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        if (!valid)
        {
            return false;
        }

        using var claimsDocument = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
        var claims = claimsDocument.RootElement;
        var data = Convert.FromBase64String(cloudEvent.GetProperty("data_base64").GetString()!);
        return claims.GetProperty("id").GetString() == cloudEvent.GetProperty("id").GetString()
            && claims.GetProperty("source").GetString() == cloudEvent.GetProperty("source").GetString()
            && claims.GetProperty("subject").GetString() == cloudEvent.GetProperty("subject").GetString()
            && claims.GetProperty("device").GetString() == cloudEvent.GetProperty("m2mdevice").GetString()
            && claims.GetProperty("tenant").GetString() == cloudEvent.GetProperty("m2mtenant").GetString()
            && claims.GetProperty("epoch").GetRawText() == cloudEvent.GetProperty("m2mepoch").GetString()
            && claims.GetProperty("seq").GetRawText() == cloudEvent.GetProperty("m2mseq").GetString()
            && claims.GetProperty("devicetime").GetRawText() == cloudEvent.GetProperty("m2mdevicetime").GetString()
            && claims.GetProperty("gatewaytime").GetRawText() == cloudEvent.GetProperty("m2mgatewaytime").GetString()
            && claims.GetProperty("data_sha256").GetString() == Base64Url.EncodeToString(SHA256.HashData(data));
    }
}
