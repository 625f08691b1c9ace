using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
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
/// docs/tokens.md "Key ring"). Kept in an <see cref="IKeyRingStore"/> (a file in the data folder, or
/// in Cluster mode the shared PostgreSQL database, where every node reads the same ring), each
/// private key encrypted with <see cref="ISecretProtector"/>. Rotation follows the injected clock: a successor is created
/// <see cref="SigningKeyOptions.PublishAhead"/> before it starts signing, so it is in the JWKS
/// before any token names it; a key that stopped signing stays published until the last token it
/// signed has expired (its retirement + the access-token lifetime + the clock skew), then is deleted.
/// Every read applies the schedule first, so the ring is right whenever it is looked at. A change
/// is decided again on the keys as stored, inside the store's one-writer step, so nodes sharing
/// the ring create each key once; a shared ring is read again every <see cref="RefreshInterval"/>.
/// </summary>
public sealed class SigningKeyRing : IDisposable
{
    /// <summary>
    /// How often a shared ring is read again, so a key another node created is known here well
    /// before it signs anything (<see cref="SigningKeyOptions.PublishAhead"/>, a day by default).
    /// </summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromMinutes(1);

    private const string Purpose = "m2m/signing-key/";

    private readonly Lock _lock = new();
    private readonly SigningKeyOptions _options;
    private readonly TokenOptions _tokens;
    private readonly ISecretProtector _protector;
    private readonly TimeProvider _time;
    private readonly IKeyRingStore _store;

    // Every key this ring has decrypted, by id, so a reload decrypts only keys it has not seen.
    private readonly Dictionary<string, SigningKey> _known = new(StringComparer.Ordinal);
    private List<SigningKey> _keys;
    private DateTimeOffset _loadedAt;

    public SigningKeyRing(IOptions<SigningKeyOptions> options, IOptions<TokenOptions> tokens, ISecretProtector protector, IKeyRingStore store, TimeProvider time)
    {
        _options = options.Value;
        _tokens = tokens.Value;
        _protector = protector;
        _time = time;
        _store = store;
        _keys = Open(store.Load());
        _loadedAt = time.GetUtcNow();
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
        foreach (var key in _known.Values)
        {
            key.Key.Dispose();
        }
    }

    private void Maintain()
    {
        var now = _time.GetUtcNow();
        if (_store.IsShared && now - _loadedAt >= RefreshInterval)
        {
            _keys = Open(_store.Load());
            _loadedAt = now;
        }

        if (Schedule(_keys, now) == null)
        {
            return;
        }

        // Decided again on the keys as stored now, under the store's one-writer step: another node
        // may have made the same change a moment ago.
        _keys = Open(_store.Update(stored => Schedule(Open(stored), now) is { } changed ? [.. changed.Select(Seal)] : null));
        _loadedAt = now;
    }

    /// <summary>The keys after applying the schedule at <paramref name="now"/>, or null when nothing changes.</summary>
    private List<SigningKey>? Schedule(List<SigningKey> keys, DateTimeOffset now)
    {
        var changed = false;
        keys = [.. keys];
        if (keys.Count == 0)
        {
            // First start: nothing can have cached a JWKS yet, so the first key signs at once.
            keys.Add(Create(now, now));
            changed = true;
        }

        var current = Signing(keys, now);
        var successor = keys.FirstOrDefault(k => k.ActivatesAt > current.ActivatesAt);
        if (successor == null && now >= current.ActivatesAt + _options.RotationInterval - _options.PublishAhead)
        {
            // Published now, signing no earlier than PublishAhead from now: a verifier that fetched
            // the JWKS within PublishAhead before its first token knows it (RFC 7517, key rollover).
            var activatesAt = Max(current.ActivatesAt + _options.RotationInterval, now + _options.PublishAhead);
            keys.Add(Create(now, activatesAt));
            changed = true;
        }

        // A key retires when the next one activates; the last token it signed expires at most
        // the token lifetime (plus the verifiers' skew) later.
        var retention = _tokens.AccessTokenLifetime + _tokens.ClockSkew;
        var ordered = keys.OrderBy(k => k.ActivatesAt).ToList();
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

        return changed ? kept : null;
    }

    private SigningKey Signing(DateTimeOffset now) => Signing(_keys, now);

    private static SigningKey Signing(List<SigningKey> keys, DateTimeOffset now) =>
        keys.Where(k => k.ActivatesAt <= now).MaxBy(k => k.ActivatesAt)
        // The clock went back before every activation: the oldest key is the least surprising.
        ?? keys.MinBy(k => k.ActivatesAt)!;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private SigningKey Create(DateTimeOffset now, DateTimeOffset activatesAt)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var keyId = Base64Url.EncodeToString(JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(key)).ComputeJwkThumbprint());
        var created = new SigningKey(keyId, key, now, activatesAt);
        _known[keyId] = created;
        return created;
    }

    private static Jwk ToJwk(SigningKey key)
    {
        var parameters = key.Key.ExportParameters(includePrivateParameters: false);
        return new Jwk("EC", "sig", "ES256", key.KeyId, "P-256", Base64Url.EncodeToString(parameters.Q.X), Base64Url.EncodeToString(parameters.Q.Y));
    }

    /// <summary>The stored keys as working keys, decrypting those this ring has not seen yet.</summary>
    private List<SigningKey> Open(IReadOnlyList<StoredKey> stored)
    {
        var keys = new List<SigningKey>(stored.Count);
        foreach (var key in stored)
        {
            if (!_known.TryGetValue(key.KeyId, out var known))
            {
                known = Decrypt(key);
                _known[key.KeyId] = known;
            }

            keys.Add(known);
        }

        return keys;
    }

    private SigningKey Decrypt(StoredKey stored)
    {
        // A ring that cannot be decrypted stops the start: signing with fresh keys would silently
        // invalidate every live token and record signature.
        var pkcs8 = _protector.Unprotect(Convert.FromBase64String(stored.ProtectedKey), Purpose + stored.KeyId)
            ?? throw new InvalidOperationException($"The signing key {stored.KeyId} cannot be decrypted with this master key.");
        try
        {
            var key = ECDsa.Create();
            key.ImportPkcs8PrivateKey(pkcs8, out _);
            return new SigningKey(stored.KeyId, key, DateTimeOffset.FromUnixTimeMilliseconds(stored.CreatedAt), DateTimeOffset.FromUnixTimeMilliseconds(stored.ActivatesAt));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    private StoredKey Seal(SigningKey key)
    {
        var pkcs8 = key.Key.ExportPkcs8PrivateKey();
        try
        {
            return new StoredKey(key.KeyId, key.CreatedAt.ToUnixTimeMilliseconds(), key.ActivatesAt.ToUnixTimeMilliseconds(), Convert.ToBase64String(_protector.Protect(pkcs8, Purpose + key.KeyId)));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }
}
