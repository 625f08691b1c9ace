using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using M2M.Gateway.Ingress.Seams;
using M2M.Gateway.Keys;
using M2M.Gateway.Tests.Support;
using static M2M.Gateway.Tests.Support.ClaimEdit;

namespace M2M.Gateway.Tests;

/// <summary>A gateway whose own issuer the access-token cases forge tokens of.</summary>
public sealed class AccessTokenGateway : IAsyncLifetime
{
    public TokenGateway Gateway { get; private set; } = null!;

    public string Issuer => Gateway.Service<Tokens.GatewayIssuer>().Issuer;

    public IAccessTokenValidator Validator => Gateway.Service<IAccessTokenValidator>();

    public async Task InitializeAsync() => Gateway = await TokenGateway.StartAsync(null, null, null, "--Gateway:Issuer", "https://gateway.example");

    public Task DisposeAsync() => Gateway.DisposeAsync().AsTask();

    /// <summary>Claims of a correct token of section 4.</summary>
    public Dictionary<string, object> Claims(long iatOffset = 0, long lifetime = 3600)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + iatOffset;
        return new()
        {
            ["iss"] = Issuer,
            ["sub"] = "sensor-0001",
            ["client_id"] = "sensor-0001",
            ["aud"] = "urn:m2m:gateway",
            ["iat"] = now,
            ["nbf"] = now,
            ["exp"] = now + lifetime,
            ["jti"] = "t1",
            ["tenant"] = "acme",
            ["roles"] = Array.Empty<string>(),
            ["m2m_gen"] = 1,
        };
    }

    /// <summary>ES256 under <paramref name="key"/> (default: the gateway's current key) with this header.</summary>
    public string Sign(Dictionary<string, object> claims, ECDsa? key = null, string? kid = null, string typ = "at+jwt")
    {
        var current = Gateway.Service<SigningKeyRing>().Current;
        var header = JsonSerializer.Serialize(new Dictionary<string, string> { ["alg"] = "ES256", ["kid"] = kid ?? current.KeyId, ["typ"] = typ });
        return Jws(header, claims, input => (key ?? current.Key).SignData(input, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }

    public static string Jws(string header, Dictionary<string, object> claims, Func<byte[], byte[]> sign)
    {
        var input = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(header)) + "." + Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(claims));
        return input + "." + Base64Url.EncodeToString(sign(Encoding.ASCII.GetBytes(input)));
    }
}

/// <summary>
/// The access-token validator (docs/protocol.md section 5.1) refuses every forged, misdirected or
/// stale token with a stable reason and never throws; the valid token next to them passes.
/// </summary>
public class BadAccessTokensAreRefusedWithStableReasonsTests(AccessTokenGateway fixture) : IClassFixture<AccessTokenGateway>
{
    private static readonly Dictionary<string, (string Reason, Func<AccessTokenGateway, string> Token)> Cases = new()
    {
        ["alg none"] = ("unsupported_alg", f => AccessTokenGateway.Jws("""{"alg":"none","typ":"at+jwt"}""", f.Claims(), _ => [])),
        ["HS256 where ES256 expected"] = ("unsupported_alg", f => AccessTokenGateway.Jws("""{"alg":"HS256","typ":"at+jwt"}""", f.Claims(), input => HMACSHA256.HashData(RandomNumberGenerator.GetBytes(32), input))),
        ["HS256 keyed with the public key"] = ("unsupported_alg", f => AccessTokenGateway.Jws("""{"alg":"HS256","typ":"at+jwt"}""", f.Claims(), input => HMACSHA256.HashData(f.Gateway.Service<SigningKeyRing>().Current.Key.ExportSubjectPublicKeyInfo(), input))),
        ["RS256 from nowhere"] = ("unsupported_alg", f => AccessTokenGateway.Jws("""{"alg":"RS256","typ":"at+jwt"}""", f.Claims(), input => RSA.Create(2048).SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))),
        ["unknown kid"] = ("unknown_key", f => f.Sign(f.Claims(), ECDsa.Create(ECCurve.NamedCurves.nistP256), "not-a-key-of-ours")),
        ["our kid, another key"] = ("bad_signature", f => f.Sign(f.Claims(), ECDsa.Create(ECCurve.NamedCurves.nistP256))),
        ["claims altered"] = ("bad_signature", f => Alter(f.Sign(f.Claims()), f)),
        ["wrong aud"] = ("wrong_audience", f => f.Sign(With(f.Claims(), "aud", "urn:someone:else"))),
        ["wrong iss"] = ("unknown_issuer", f => f.Sign(With(f.Claims(), "iss", "https://evil.example"))),
        ["no iss"] = ("unknown_issuer", f => f.Sign(Without(f.Claims(), "iss"))),
        ["wrong typ"] = ("wrong_type", f => f.Sign(f.Claims(), typ: "JWT")),
        ["expired"] = ("expired", f => f.Sign(f.Claims(-7200))),
        ["not yet valid"] = ("not_yet_valid", f => f.Sign(f.Claims(600))),
        ["no exp"] = ("missing_exp", f => f.Sign(Without(f.Claims(), "exp"))),
        ["no sub"] = ("missing_device_id", f => f.Sign(Without(f.Claims(), "sub"))),
        ["exp a string"] = ("malformed_token", f => f.Sign(With(f.Claims(), "exp", "tomorrow"))),
        ["sub a number"] = ("missing_device_id", f => f.Sign(With(f.Claims(), "sub", 42))),
        ["no iat"] = ("missing_iat", f => f.Sign(Without(f.Claims(), "iat"))),
        ["no m2m_gen"] = ("missing_generation", f => f.Sign(Without(f.Claims(), "m2m_gen"))),
        ["m2m_gen zero"] = ("missing_generation", f => f.Sign(With(f.Claims(), "m2m_gen", 0))),
        ["m2m_gen negative"] = ("missing_generation", f => f.Sign(With(f.Claims(), "m2m_gen", -1))),
        ["m2m_gen a string"] = ("missing_generation", f => f.Sign(With(f.Claims(), "m2m_gen", "1"))),
        ["m2m_gen a fraction"] = ("missing_generation", f => f.Sign(With(f.Claims(), "m2m_gen", 1.5))),
        ["garbage"] = ("malformed_token", _ => "!!!.###.$$$"),
        ["truncated"] = ("malformed_token", f => string.Join('.', f.Sign(f.Claims()).Split('.').Take(2))),
        ["JWE"] = ("malformed_token", f => f.Sign(f.Claims()) + ".a.b"),
        ["too long"] = ("malformed_token", f => f.Sign(With(f.Claims(), "pad", new string('x', 20000)))),
        ["empty"] = ("malformed_token", _ => string.Empty),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task IsRefusedWithItsReason(string name)
    {
        var (reason, token) = Cases[name];

        var result = await fixture.Validator.ValidateAccessTokenAsync(token(fixture), default);

        Assert.Equal(CredentialStatus.Invalid, result.Status);
        Assert.Equal(reason, result.Reason);
        Assert.True((await fixture.Validator.ValidateAccessTokenAsync(fixture.Sign(fixture.Claims()), default)).Succeeded);
    }

    private static string Alter(string token, AccessTokenGateway f)
    {
        var parts = token.Split('.');
        return parts[0] + "." + Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(With(f.Claims(), "sub", "sensor-0002"))) + "." + parts[2];
    }
}
