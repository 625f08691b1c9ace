using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using M2M.Gateway.Ingress.Seams;
using M2M.Gateway.Relay;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace M2M.Gateway.TestHost;

/// <summary>Stand-in for the identity part's access-token validator: ES256 under the world's issuer key.</summary>
public sealed class TestAccessTokenValidator(TestWorld world, TimeProvider time) : IAccessTokenValidator
{
    private readonly JsonWebTokenHandler _handler = new();

    /// <summary>The test world trusts no external issuer.</summary>
    public ValueTask<string?> RenewalAudienceAsync(string issuer, CancellationToken cancellationToken) => ValueTask.FromResult<string?>(null);
    private readonly ECDsaSecurityKey _key = new(world.TokenKey()) { KeyId = world.TokenKeyId };

    public async ValueTask<CredentialValidation> ValidateAccessTokenAsync(string token, CancellationToken cancellationToken)
    {
        var result = await _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = world.Issuer,
            ValidAudience = world.Audience,
            IssuerSigningKey = _key,
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
            // Lifetime is checked below against the injected clock, which tests control.
            ValidateLifetime = false,
        }).ConfigureAwait(false);
        if (!result.IsValid)
        {
            return CredentialValidation.Invalid("invalid_token");
        }

        var jwt = (JsonWebToken)result.SecurityToken;
        var now = time.GetUtcNow();
        if (jwt.ValidTo <= now.UtcDateTime || jwt.ValidFrom > now.UtcDateTime)
        {
            return CredentialValidation.Invalid("expired");
        }

        // As the real validator: the gateway's own tokens name their credential generation.
        if (!jwt.TryGetPayloadValue<long>("m2m_gen", out var generation) || generation <= 0)
        {
            return CredentialValidation.Invalid("missing_generation");
        }

        using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(jwt.EncodedPayload));
        return CredentialValidation.OwnToken(jwt.Subject, generation, new DateTimeOffset(jwt.IssuedAt, TimeSpan.Zero), new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero))
            with { Claims = M2M.Gateway.Policies.CelValues.Map(payload.RootElement) };
    }
}

/// <summary>Stand-in for the identity part's client-assertion validator (docs/protocol.md section 3.2).</summary>
public sealed class TestClientAssertionValidator(TestWorld world, TimeProvider time) : IClientAssertionValidator
{
    private readonly HashSet<string> _seen = [];

    public ValueTask<CredentialValidation> ValidateClientAssertionAsync(string assertion, string? renewalAudience, CancellationToken cancellationToken)
    {
        var parts = assertion.Split('.');
        if (parts.Length != 3)
        {
            return Invalid("malformed");
        }

        using var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
        var root = claims.RootElement;
        var sub = root.GetProperty("sub").GetString()!;
        var device = world.Devices.FirstOrDefault(d => d.Id == sub);
        if (device == null || !device.Enabled)
        {
            return Invalid("unknown_device");
        }

        var expected = HMACSHA256.HashData(device.AuthKey(), Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]));
        if (!CryptographicOperations.FixedTimeEquals(expected, Base64Url.DecodeFromChars(parts[2])))
        {
            return Invalid("bad_signature");
        }

        var now = time.GetUtcNow().ToUnixTimeSeconds();
        if (root.GetProperty("iss").GetString() != sub || root.GetProperty("aud").GetString() != world.TokenEndpoint
            || root.GetProperty("exp").GetInt64() <= now || root.GetProperty("iat").GetInt64() > now + 60)
        {
            return Invalid("claims");
        }

        lock (_seen)
        {
            if (!_seen.Add(sub + "/" + root.GetProperty("jti").GetString()))
            {
                return Invalid("jti_reused");
            }
        }

        return ValueTask.FromResult(CredentialValidation.Valid(sub, null, null, time.GetUtcNow() + world.TokenLifetime));
    }

    private static ValueTask<CredentialValidation> Invalid(string reason) => ValueTask.FromResult(CredentialValidation.Invalid(reason));
}

/// <summary>Stand-in for the identity part's registry, with the operator actions tests need.</summary>
public sealed class TestDeviceDirectory(TestWorld world, TimeProvider time) : IDeviceDirectory
{
    public event EventHandler<string>? DeviceChanged;

    /// <summary>When true, every look-up answers Unavailable (a registry outage).</summary>
    public bool Down { get; set; }

    public ValueTask<DeviceLookup> FindAsync(string deviceId, CancellationToken cancellationToken)
    {
        if (Down)
        {
            return ValueTask.FromResult(DeviceLookup.Unavailable);
        }

        var d = world.Devices.FirstOrDefault(d => d.Id == deviceId);
        return ValueTask.FromResult(d == null
            ? DeviceLookup.NotFound
            : DeviceLookup.Found(new DeviceRecord(d.Id, d.Enabled, d.Tenant, d.Roles, d.Generation, d.CredentialSince, d.MessageKey())));
    }

    /// <summary>
    /// An operator disables a device. With <paramref name="announce"/> false no change event is
    /// raised, as with a registry shared by several gateways: only the periodic revalidation sees it.
    /// </summary>
    public void Disable(string deviceId, bool announce = true)
    {
        world.Device(deviceId).Enabled = false;
        if (announce)
        {
            DeviceChanged?.Invoke(this, deviceId);
        }
    }

    /// <summary>An operator deletes a device.</summary>
    public void Delete(string deviceId)
    {
        world.Devices.Remove(world.Device(deviceId));
        DeviceChanged?.Invoke(this, deviceId);
    }

    /// <summary>An operator changes a device's roles.</summary>
    public void SetRoles(string deviceId, params string[] roles)
    {
        var device = world.Device(deviceId);
        device.Roles.Clear();
        device.Roles.AddRange(roles);
        DeviceChanged?.Invoke(this, deviceId);
    }

    /// <summary>An operator rotates a device's secret: a new credential generation.</summary>
    public void Rotate(string deviceId)
    {
        var device = world.Device(deviceId);
        device.SecretHex = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        device.Generation++;
        device.CredentialSince = time.GetUtcNow();
        DeviceChanged?.Invoke(this, deviceId);
    }
}

/// <summary>Stand-in for the identity part's key ring: signs records with the world's record key.</summary>
public sealed class TestRecordSigner(TestWorld world) : IRecordSigner
{
    private readonly ECDsa _key = world.RecordKey();

    public string Issuer => world.Issuer;

    public string Sign(ReadOnlySpan<byte> payload, string type) => Jws.Sign(_key, world.RecordKeyId, type, payload);
}
