using M2M.Device.Core.Crypto;
using M2M.Device.Core.Host.Platform;
using M2M.Device.Core.Messaging;
using M2M.Device.Core.Time;
using M2M.Device.Core.Tokens;

namespace M2M.Bench.Fleet;

/// <summary>
/// One simulated device of the load generator: its id, the keys the device core derives from its
/// secret (DeviceKeys), and the device core's own MessageSigner and ClientAssertion, so every
/// signed message and every token request is the one a board would send.
/// </summary>
public sealed class BenchDevice
{
    private static readonly HostHmacSha256 Hmac = new();
    private static readonly DeviceClock Clock = new(new HostClock());

    private readonly DeviceKeys _keys;
    private readonly MessageSigner _signer;

    public BenchDevice(string id, byte[] secret)
    {
        Id = id;
        Secret = secret;
        _keys = DeviceKeys.Derive(secret, Hmac);
        // Epoch 1: a freshly provisioned device's first boot (docs/protocol.md section 6.1).
        _signer = new MessageSigner(id, _keys.MessageKey, Hmac, Clock, 1);
    }

    public string Id { get; }

    /// <summary>The device secret S the admin API returned; kept in memory only, never printed.</summary>
    public byte[] Secret { get; }

    /// <summary>
    /// The MQTT password: the access token last obtained (gateway) or the password-file entry
    /// (Mosquitto); never printed.
    /// </summary>
    public string? Password { get; set; }

    /// <summary>Signs <paramref name="payload"/> for devices/{id}/telemetry with the next sequence number.</summary>
    public SignedMessage Sign(byte[] payload) => _signer.Sign("application/octet-stream", payload);

    /// <summary>A fresh single-use client assertion for <paramref name="audience"/> (docs/protocol.md section 3.2).</summary>
    public string CreateAssertion(string audience)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var jti = Base64Url.Encode(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        return ClientAssertion.Create(Id, audience, jti, now, now + 300, _keys.AuthKey, Hmac);
    }
}
