using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using M2M.Gateway.Hosting;
using M2M.Gateway.Secrets;
using M2M.Gateway.Tokens;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace M2M.Gateway.Keys;

/// <summary>One ES256 key of the ring and its schedule.</summary>
/// <param name="KeyId">The JWK thumbprint (RFC 7638) of its public key, base64url.</param>
/// <param name="Key">The P-256 key pair.</param>
/// <param name="CreatedAt">When it was created and published.</param>
/// <param name="ActivatesAt">When it starts signing; it signs until the next key activates.</param>
public sealed record SigningKey(string KeyId, ECDsa Key, DateTimeOffset CreatedAt, DateTimeOffset ActivatesAt)
{
    /// <summary>
    /// The key as Microsoft.IdentityModel takes it. Its own <see cref="CryptoProviderFactory"/>: the
    /// shared default caches signature providers by key id, so after a ring was disposed and loaded
    /// again in the same process (a restart of an in-process gateway) the same id would find the
    /// provider of the disposed key.
    /// </summary>
    public ECDsaSecurityKey SecurityKey { get; } = new(Key) { KeyId = KeyId, CryptoProviderFactory = new CryptoProviderFactory() };
}

/// <summary>
/// The gateway's ES256 (ECDSA P-256, RFC 7518 section 3.4) signing keys (docs/protocol.md section 4,
/// docs/tokens.md "Key ring"). Kept in the data folder, each private key encrypted with
/// <see cref="ISecretProtector"/>. Rotation follows the injected clock: a successor is created
/// <see cref="SigningKeyOptions.PublishAhead"/> before it starts signing, so it is in the JWKS
/// before any token names it; a key that stopped signing stays published until the last token it
/// signed has expired (its retirement + the access-token lifetime + the clock skew), then is deleted.
/// Every read applies the schedule first, so the ring is right whenever it is looked at.
/// </summary>
public sealed class SigningKeyRing : IDisposable
{
    private const string Purpose = "m2m/signing-key/";
    private const int FileVersion = 1;

    private readonly Lock _lock = new();
    private readonly SigningKeyOptions _options;
    private readonly TokenOptions _tokens;
    private readonly ISecretProtector _protector;
    private readonly TimeProvider _time;
    private readonly string _path;
    private List<SigningKey> _keys;

    public SigningKeyRing(IOptions<SigningKeyOptions> options, IOptions<TokenOptions> tokens, ISecretProtector protector, DataDirectory data, TimeProvider time)
    {
        _options = options.Value;
        _tokens = tokens.Value;
        _protector = protector;
        _time = time;
        _path = data.Combine(_options.Path);
        _keys = Load();
    }

    /// <summary>The key that signs now.</summary>
    public SigningKey Current
    {
        get
        {
            lock (_lock)
            {
                Maintain();
                return Signing(_time.GetUtcNow());
            }
        }
    }

    /// <summary>Every published key: the current one, its announced successor, and retired keys whose tokens may still be live.</summary>
    public IReadOnlyList<SigningKey> Published
    {
        get
        {
            lock (_lock)
            {
                Maintain();
                return [.. _keys];
            }
        }
    }

    /// <summary>The published keys as a JWK Set (RFC 7517 section 5), public parts only.</summary>
    public JwkSet Jwks() => new([.. Published.Select(ToJwk)]);

    /// <summary>
    /// A compact JWS (RFC 7515 section 7.1) over <paramref name="payload"/> with the current key;
    /// the signature is r || s (RFC 7518 section 3.4), verifiable with the JWKS.
    /// </summary>
    public string Sign(ReadOnlySpan<byte> payload, string type)
    {
        var key = Current;
        var header = JsonSerializer.SerializeToUtf8Bytes(new JwsHeader("ES256", key.KeyId, type), KeyRingJson.Default.JwsHeader);
        var signingInput = Base64Url.EncodeToString(header) + "." + Base64Url.EncodeToString(payload);
        var signature = key.Key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    public void Dispose()
    {
        foreach (var key in _keys)
        {
            key.Key.Dispose();
        }
    }

    private void Maintain()
    {
        var now = _time.GetUtcNow();
        var changed = false;
        if (_keys.Count == 0)
        {
            // First start: nothing can have cached a JWKS yet, so the first key signs at once.
            _keys.Add(Create(now, now));
            changed = true;
        }

        var current = Signing(now);
        var successor = _keys.FirstOrDefault(k => k.ActivatesAt > current.ActivatesAt);
        if (successor == null && now >= current.ActivatesAt + _options.RotationInterval - _options.PublishAhead)
        {
            // Published now, signing no earlier than PublishAhead from now: a verifier that fetched
            // the JWKS within PublishAhead before its first token knows it (RFC 7517, key rollover).
            var activatesAt = Max(current.ActivatesAt + _options.RotationInterval, now + _options.PublishAhead);
            _keys.Add(Create(now, activatesAt));
            changed = true;
        }

        // A key retires when the next one activates; the last token it signed expires at most
        // the token lifetime (plus the verifiers' skew) later.
        var retention = _tokens.AccessTokenLifetime + _tokens.ClockSkew;
        var ordered = _keys.OrderBy(k => k.ActivatesAt).ToList();
        var kept = new List<SigningKey>(ordered.Count);
        for (var i = 0; i < ordered.Count; i++)
        {
            var retiredAt = i + 1 < ordered.Count && ordered[i + 1].ActivatesAt <= now ? ordered[i + 1].ActivatesAt : (DateTimeOffset?)null;
            if (retiredAt != null && now >= retiredAt.Value + retention)
            {
                // Not disposed here: a validation may still hold it; the collector frees it.
                changed = true;
                continue;
            }

            kept.Add(ordered[i]);
        }

        _keys = kept;
        if (changed)
        {
            Save();
        }
    }

    private SigningKey Signing(DateTimeOffset now) =>
        _keys.Where(k => k.ActivatesAt <= now).MaxBy(k => k.ActivatesAt)
        // The clock went back before every activation: the oldest key is the least surprising.
        ?? _keys.MinBy(k => k.ActivatesAt)!;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static SigningKey Create(DateTimeOffset now, DateTimeOffset activatesAt)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var keyId = Base64Url.EncodeToString(JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(key)).ComputeJwkThumbprint());
        return new SigningKey(keyId, key, now, activatesAt);
    }

    private static Jwk ToJwk(SigningKey key)
    {
        var parameters = key.Key.ExportParameters(includePrivateParameters: false);
        return new Jwk("EC", "sig", "ES256", key.KeyId, "P-256", Base64Url.EncodeToString(parameters.Q.X), Base64Url.EncodeToString(parameters.Q.Y));
    }

    private List<SigningKey> Load()
    {
        if (!File.Exists(_path))
        {
            return [];
        }

        var file = JsonSerializer.Deserialize(File.ReadAllBytes(_path), KeyRingJson.Default.KeyRingFile)
            ?? throw new InvalidOperationException($"The signing key ring {_path} is empty.");
        if (file.Version != FileVersion)
        {
            throw new InvalidOperationException($"The signing key ring {_path} has version {file.Version}; this gateway reads version {FileVersion}.");
        }

        var keys = new List<SigningKey>();
        foreach (var stored in file.Keys)
        {
            // A ring that cannot be decrypted stops the start: signing with fresh keys would
            // silently invalidate every live token and record signature.
            var pkcs8 = _protector.Unprotect(Convert.FromBase64String(stored.ProtectedKey), Purpose + stored.KeyId)
                ?? throw new InvalidOperationException($"The signing key {stored.KeyId} in {_path} cannot be decrypted with this master key.");
            try
            {
                var key = ECDsa.Create();
                key.ImportPkcs8PrivateKey(pkcs8, out _);
                keys.Add(new SigningKey(stored.KeyId, key, DateTimeOffset.FromUnixTimeMilliseconds(stored.CreatedAt), DateTimeOffset.FromUnixTimeMilliseconds(stored.ActivatesAt)));
            }
            finally
            {
                CryptographicOperations.ZeroMemory(pkcs8);
            }
        }

        return keys;
    }

    private void Save()
    {
        var stored = _keys.Select(k =>
        {
            var pkcs8 = k.Key.ExportPkcs8PrivateKey();
            try
            {
                return new StoredKey(k.KeyId, k.CreatedAt.ToUnixTimeMilliseconds(), k.ActivatesAt.ToUnixTimeMilliseconds(), Convert.ToBase64String(_protector.Protect(pkcs8, Purpose + k.KeyId)));
            }
            finally
            {
                CryptographicOperations.ZeroMemory(pkcs8);
            }
        }).ToList();
        PrivateFile.WriteAtomically(_path, JsonSerializer.SerializeToUtf8Bytes(new KeyRingFile(FileVersion, stored), KeyRingJson.Default.KeyRingFile));
    }
}
