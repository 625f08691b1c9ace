using System.Text.Json.Serialization;

namespace M2M.Gateway.Keys;

/// <summary>A public JSON Web Key (RFC 7517 section 4, RFC 7518 section 6.2 for EC).</summary>
public sealed record Jwk(
    [property: JsonPropertyName("kty")] string KeyType,
    [property: JsonPropertyName("use")] string Use,
    [property: JsonPropertyName("alg")] string Algorithm,
    [property: JsonPropertyName("kid")] string KeyId,
    [property: JsonPropertyName("crv")] string Curve,
    [property: JsonPropertyName("x")] string X,
    [property: JsonPropertyName("y")] string Y);

/// <summary>A JWK Set (RFC 7517 section 5).</summary>
public sealed record JwkSet([property: JsonPropertyName("keys")] IReadOnlyList<Jwk> Keys);

/// <summary>The protected header of a record signature.</summary>
internal sealed record JwsHeader(
    [property: JsonPropertyName("alg")] string Algorithm,
    [property: JsonPropertyName("kid")] string KeyId,
    [property: JsonPropertyName("typ")] string Type);

/// <summary>One key as stored: the private key only ever encrypted (ISecretProtector); times in Unix milliseconds.</summary>
public sealed record StoredKey(string KeyId, long CreatedAt, long ActivatesAt, string ProtectedKey);

/// <summary>The key ring file.</summary>
internal sealed record KeyRingFile(int Version, IReadOnlyList<StoredKey> Keys);

[JsonSerializable(typeof(JwkSet))]
[JsonSerializable(typeof(JwsHeader))]
[JsonSerializable(typeof(KeyRingFile))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
internal sealed partial class KeyRingJson : JsonSerializerContext;
