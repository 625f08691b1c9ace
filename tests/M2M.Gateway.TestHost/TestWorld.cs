using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace M2M.Gateway.TestHost;

/// <summary>One registered test device: its secret S and what the registry knows about it.</summary>
public sealed class TestDeviceEntry
{
    public required string Id { get; init; }

    public required string Tenant { get; init; }

    public List<string> Roles { get; init; } = [];

    public bool Enabled { get; set; } = true;

    public long Generation { get; set; } = 1;

    /// <summary>When the current secret came into force (registration or rotation).</summary>
    public DateTimeOffset CredentialSince { get; set; } = DateTimeOffset.UnixEpoch;

    /// <summary>S, hex. Rotation replaces it.</summary>
    public required string SecretHex { get; set; }

    /// <summary>K_msg = HKDF-SHA256(S, empty salt, "m2m/v1/msg") (docs/protocol.md section 2.2).</summary>
    public byte[] MessageKey() => Derive("m2m/v1/msg");

    /// <summary>K_auth = HKDF-SHA256(S, empty salt, "m2m/v1/auth").</summary>
    public byte[] AuthKey() => Derive("m2m/v1/auth");

    private byte[] Derive(string info) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, Convert.FromHexString(SecretHex), 32, [], Encoding.ASCII.GetBytes(info));
}

/// <summary>
/// Everything the stand-in identity part knows: the token issuer's ES256 key, the record-signing
/// key, the devices. Saved as JSON so a gateway process started by a test shares it.
/// </summary>
public sealed class TestWorld
{
    public string Issuer { get; init; } = "https://gateway.test";

    public string Audience { get; init; } = "urn:m2m:gateway";

    public string TokenEndpoint { get; init; } = "https://gateway.test/oauth2/token";

    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromHours(1);

    public string TokenKeyPem { get; init; } = NewKeyPem();

    public string TokenKeyId { get; init; } = "token-key-1";

    public string RecordKeyPem { get; init; } = NewKeyPem();

    public string RecordKeyId { get; init; } = "record-key-1";

    public List<TestDeviceEntry> Devices { get; init; } = [];

    /// <summary>A world with the given devices, each with a fresh random secret.</summary>
    public static TestWorld Create(params (string Id, string Tenant)[] devices) => new()
    {
        Devices = devices.Select(d => new TestDeviceEntry { Id = d.Id, Tenant = d.Tenant, SecretHex = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)) }).ToList(),
    };

    public TestDeviceEntry Device(string id) => Devices.Single(d => d.Id == id);

    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this));

    public static TestWorld Load(string path) => JsonSerializer.Deserialize<TestWorld>(File.ReadAllText(path))!;

    public ECDsa TokenKey() => LoadKey(TokenKeyPem);

    public ECDsa RecordKey() => LoadKey(RecordKeyPem);

    /// <summary>
    /// An access token as docs/protocol.md section 4 describes, signed with the issuer key, for the
    /// device's current credential generation unless <paramref name="generation"/> names another
    /// (an outdated token).
    /// </summary>
    public string MintAccessToken(string deviceId, DateTimeOffset now, TimeSpan? lifetime = null, string? subject = null, ECDsa? key = null, string? tenant = null, long? generation = null)
    {
        var device = Devices.FirstOrDefault(d => d.Id == deviceId);
        using var ownKey = key == null ? TokenKey() : null;
        var claims = new Dictionary<string, object>
        {
            ["iss"] = Issuer,
            ["sub"] = subject ?? deviceId,
            ["client_id"] = deviceId,
            ["aud"] = Audience,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["exp"] = (now + (lifetime ?? TokenLifetime)).ToUnixTimeSeconds(),
            ["jti"] = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16)),
            ["tenant"] = tenant ?? device?.Tenant ?? "none",
            ["roles"] = device?.Roles ?? [],
            ["m2m_gen"] = generation ?? device?.Generation ?? 1,
        };
        return Jws.Sign(key ?? ownKey!, TokenKeyId, "at+jwt", JsonSerializer.SerializeToUtf8Bytes(claims));
    }

    /// <summary>A client assertion as docs/protocol.md section 3.2 describes (HS256 under K_auth).</summary>
    public string MintAssertion(string deviceId, DateTimeOffset now, string? jti = null)
    {
        var claims = new Dictionary<string, object>
        {
            ["iss"] = deviceId,
            ["sub"] = deviceId,
            ["aud"] = TokenEndpoint,
            ["jti"] = jti ?? Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16)),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.AddMinutes(5).ToUnixTimeSeconds(),
        };
        var header = Base64Url.EncodeToString("""{"alg":"HS256","typ":"JWT"}"""u8);
        var signingInput = header + "." + Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(claims));
        var signature = HMACSHA256.HashData(Device(deviceId).AuthKey(), Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    private static ECDsa LoadKey(string pem)
    {
        var key = ECDsa.Create();
        key.ImportFromPem(pem);
        return key;
    }

    private static string NewKeyPem()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return key.ExportPkcs8PrivateKeyPem();
    }
}
