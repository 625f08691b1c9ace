using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace M2M.Gateway.Tests.Support;

/// <summary>
/// What a consumer does with a relayed CloudEvent (docs/ingress.md, "Verifying a record"), written
/// from the docs alone, without the gateway's code: verify the batch JWS in <c>m2mgatewaysig</c>
/// with the JWKS key its <c>kid</c> names, hash the event's covered attributes and data as a Merkle
/// leaf, fold the audit path back to the root (RFC 9162 section 2.1.3.2) and compare it with the
/// signed <c>root_hash</c>.
/// </summary>
public static class RecordVerifier
{
    /// <summary>The attributes a leaf covers, in leaf order, after the label (docs/ingress.md).</summary>
    public static readonly IReadOnlyList<string> CoveredAttributes =
    [
        "specversion", "id", "source", "type", "subject", "time", "datacontenttype", "m2mdevice", "m2mtenant",
        "m2mgeneration", "m2mepoch", "m2mseq", "m2mdevicetime", "m2mgatewaytime", "m2mposition", "m2mdevicesig",
    ];

    /// <summary>The attributes of the proof itself, not covered by the leaf.</summary>
    public static readonly IReadOnlyList<string> ProofAttributes = ["m2mgatewaysig", "m2mleafindex", "m2mauditpath"];

    /// <summary>True when the event verifies with <paramref name="gatewayPublicKey"/> (and names <paramref name="issuer"/>, when given).</summary>
    public static bool Verify(JsonElement cloudEvent, ECDsa gatewayPublicKey, string? issuer = null) =>
        Check(cloudEvent, _ => gatewayPublicKey, issuer) == null;

    /// <summary>Null when the event verifies with the key <paramref name="keys"/> returns for the JWS <c>kid</c>; else why not.</summary>
    public static string? Check(JsonElement cloudEvent, Func<string, ECDsa?> keys, string? issuer)
    {
        ArgumentNullException.ThrowIfNull(keys);
        try
        {
            return CheckOrThrow(cloudEvent, keys, issuer);
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException or KeyNotFoundException or ArgumentException)
        {
            return "malformed: " + e.Message;
        }
    }

    /// <summary>The keys of a JWKS document (RFC 7517) by <c>kid</c>, as a consumer reads them: EC P-256 keys for ES256.</summary>
    public static Func<string, ECDsa?> KeysOf(string jwksJson)
    {
        using var jwks = JsonDocument.Parse(jwksJson);
        var keys = new Dictionary<string, ECParameters>();
        foreach (var key in jwks.RootElement.GetProperty("keys").EnumerateArray())
        {
            if (key.GetProperty("kty").GetString() == "EC" && key.GetProperty("crv").GetString() == "P-256")
            {
                keys[key.GetProperty("kid").GetString()!] = new ECParameters
                {
                    Curve = ECCurve.NamedCurves.nistP256,
                    Q = new ECPoint { X = Base64Url.DecodeFromChars(key.GetProperty("x").GetString()), Y = Base64Url.DecodeFromChars(key.GetProperty("y").GetString()) },
                };
            }
        }

        return kid => keys.TryGetValue(kid, out var parameters) ? ECDsa.Create(parameters) : null;
    }

    /// <summary>The claims of the event's batch JWS (not verified: for tests that look inside).</summary>
    public static JsonElement BatchClaims(JsonElement cloudEvent)
    {
        using var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(cloudEvent.GetProperty("m2mgatewaysig").GetString()!.Split('.')[1]));
        return claims.RootElement.Clone();
    }

    /// <summary>The leaf hash of an event: SHA-256(0x00 || leaf data).</summary>
    public static byte[] LeafHash(JsonElement cloudEvent) => SHA256.HashData([0x00, .. LeafData(cloudEvent)]);

    /// <summary>The leaf data: each field a 4-byte big-endian length and its bytes.</summary>
    public static byte[] LeafData(JsonElement cloudEvent)
    {
        var data = new List<byte>();
        Field(data, Encoding.UTF8.GetBytes("m2m/v1/record"));
        foreach (var name in CoveredAttributes)
        {
            var value = cloudEvent.TryGetProperty(name, out var v) ? v.GetString()! : name == "datacontenttype" ? string.Empty : throw new KeyNotFoundException(name);
            Field(data, Encoding.UTF8.GetBytes(value));
        }

        Field(data, Convert.FromBase64String(cloudEvent.GetProperty("data_base64").GetString()!));
        return [.. data];
    }

    /// <summary>RFC 9162 section 2.1.3.2: the root an audit path leads to from a leaf, or null when the path does not fit the tree.</summary>
    public static byte[]? Fold(byte[] leafHash, long leafIndex, long treeSize, byte[] path)
    {
        if (leafIndex >= treeSize || path.Length % 32 != 0)
        {
            return null;
        }

        long fn = leafIndex, sn = treeSize - 1;
        var r = leafHash;
        for (var i = 0; i < path.Length; i += 32)
        {
            var p = path.AsSpan(i, 32);
            if (sn == 0)
            {
                return null;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                r = SHA256.HashData([0x01, .. p, .. r]);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                r = SHA256.HashData([0x01, .. r, .. p]);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 ? r : null;
    }

    private static string? CheckOrThrow(JsonElement cloudEvent, Func<string, ECDsa?> keys, string? issuer)
    {
        foreach (var attribute in cloudEvent.EnumerateObject())
        {
            if (!CoveredAttributes.Contains(attribute.Name) && !ProofAttributes.Contains(attribute.Name) && attribute.Name != "data_base64")
            {
                return $"attribute {attribute.Name} is not covered by the signature";
            }
        }

        // 1. The batch JWS: ES256, typ m2m-batch+jwt, a key of the JWKS by kid.
        var parts = cloudEvent.GetProperty("m2mgatewaysig").GetString()!.Split('.');
        if (parts.Length != 3)
        {
            return "m2mgatewaysig is not a compact JWS";
        }

        using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0]));
        if (header.RootElement.GetProperty("alg").GetString() != "ES256" || header.RootElement.GetProperty("typ").GetString() != "m2m-batch+jwt")
        {
            return "not an ES256 m2m-batch+jwt JWS";
        }

        var key = keys(header.RootElement.GetProperty("kid").GetString()!);
        if (key == null)
        {
            return "no published key has the JWS kid";
        }

        if (!key.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url.DecodeFromChars(parts[2]),
            HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
        {
            return "the JWS signature does not verify";
        }

        // 2. Its claims: the issuer, the tree size and the root.
        using var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
        if (issuer != null && claims.RootElement.GetProperty("iss").GetString() != issuer)
        {
            return "the JWS iss is not the gateway's issuer";
        }

        var treeSize = claims.RootElement.GetProperty("tree_size").GetInt64();
        var root = Base64Url.DecodeFromChars(claims.RootElement.GetProperty("root_hash").GetString()!);

        // 3. The leaf, its index and path, folded to the root.
        var indexText = cloudEvent.GetProperty("m2mleafindex").GetString()!;
        if (indexText.Length == 0 || !indexText.All(char.IsAsciiDigit) || (indexText.Length > 1 && indexText[0] == '0'))
        {
            return "m2mleafindex is not a decimal integer";
        }

        var folded = Fold(LeafHash(cloudEvent), long.Parse(indexText, System.Globalization.CultureInfo.InvariantCulture), treeSize,
            Base64Url.DecodeFromChars(cloudEvent.GetProperty("m2mauditpath").GetString()!));
        return folded != null && CryptographicOperations.FixedTimeEquals(folded, root) ? null : "the audit path does not lead to the signed root";
    }

    private static void Field(List<byte> data, byte[] value)
    {
        var length = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(length, (uint)value.Length);
        data.AddRange(length);
        data.AddRange(value);
    }
}
