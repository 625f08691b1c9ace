using System;
using System.Text;
using M2M.Device.Core.Commands;
using M2M.Device.Core.Platform;
using M2M.Device.Core.Protocol;

namespace M2M.Device.Core.Crypto
{
    /// <summary>
    /// The device's half of the over-the-air secret rotation (docs/protocol.md section 12): an
    /// ephemeral X25519 exchange (RFC 7748 section 6.1) with the gateway's ephemeral public key, then
    /// S' = HKDF-SHA256(IKM = the shared secret Z, salt = S, info = the transcript T) (RFC 5869), and a
    /// proof P = HMAC-SHA256(K_proof, T) with K_proof = HKDF-SHA256(S', "m2m/v1/rotate-proof"). Z needs an
    /// ephemeral private key, which is never stored, so whoever later learns S and recorded the
    /// exchange still cannot compute S' (forward secrecy); S in the salt keeps the exchange bound to
    /// the credential that authenticated it.
    /// </summary>
    public sealed class SecretExchange
    {
        private readonly IHmacSha256 _hmac;
        private readonly X25519 _curve;

        public SecretExchange(IHmacSha256 hmac, X25519 curve)
        {
            _hmac = hmac ?? throw new ArgumentNullException(nameof(hmac));
            _curve = curve ?? throw new ArgumentNullException(nameof(curve));
        }

        /// <summary>The device's ephemeral public key, once <see cref="Run"/> returned true.</summary>
        public byte[]? DevicePublicKey { get; private set; }

        /// <summary>S', once <see cref="Run"/> returned true. The caller stores it and clears it.</summary>
        public byte[]? NewSecret { get; private set; }

        /// <summary>The proof P, once <see cref="Run"/> returned true.</summary>
        public byte[]? Proof { get; private set; }

        /// <summary>
        /// The ephemeral private key from the platform's random bytes, hedged with K_cmd (the idea of
        /// RFC 8937): HMAC-SHA256(K_cmd, random). A weak generator then does not hand the key to anyone
        /// who does not hold K_cmd. The key is the caller's to clear.
        /// </summary>
        public byte[] NewPrivateKey(IRandom random, byte[] commandKey)
        {
            var seed = new byte[X25519.KeyLength];
            random.NextBytes(seed);
            var key = _hmac.Compute(commandKey, seed);
            Array.Clear(seed, 0, seed.Length);
            return key;
        }

        /// <summary>
        /// Runs the exchange with <paramref name="privateKey"/> (cleared on return). False when the
        /// gateway's key is not a usable point: the shared secret is all zeros (RFC 7748 section 6.1's
        /// check for a small-order point).
        /// </summary>
        public bool Run(string deviceId, uint sequence, byte[] secret, byte[] gatewayPublicKey, byte[] privateKey)
        {
            try
            {
                var devicePublic = _curve.PublicKey(privateKey);
                var shared = _curve.ScalarMult(privateKey, gatewayPublicKey);
                var zero = 0;
                for (var i = 0; i < shared.Length; i++)
                {
                    zero |= shared[i];
                }

                if (zero == 0)
                {
                    return false;
                }

                var transcript = Transcript(deviceId, sequence, gatewayPublicKey, devicePublic);
                var hkdf = new Hkdf(_hmac);
                var newSecret = hkdf.DeriveKey(shared, secret, transcript, ProtocolV1.KeyLength);
                Array.Clear(shared, 0, shared.Length);
                DevicePublicKey = devicePublic;
                NewSecret = newSecret;
                Proof = ComputeProof(_hmac, newSecret, transcript);
                return true;
            }
            finally
            {
                Array.Clear(privateKey, 0, privateKey.Length);
            }
        }

        /// <summary>
        /// T: the five fields label <c>m2m/v1/rotate</c>, device id, the command's sequence (4 bytes), the
        /// gateway's then the device's public key, each length-prefixed as in section 6.2.
        /// </summary>
        public static byte[] Transcript(string deviceId, uint sequence, byte[] gatewayPublicKey, byte[] devicePublicKey)
        {
            var label = Encoding.UTF8.GetBytes(ProtocolV1.RotationLabel);
            var id = Encoding.UTF8.GetBytes(deviceId);
            var transcript = new byte[FieldCodec.FieldLength(label.Length) + FieldCodec.FieldLength(id.Length) + FieldCodec.FieldLength(4)
                + FieldCodec.FieldLength(gatewayPublicKey.Length) + FieldCodec.FieldLength(devicePublicKey.Length)];
            var offset = FieldCodec.WriteField(transcript, 0, label);
            offset = FieldCodec.WriteField(transcript, offset, id);
            offset = FieldCodec.WriteUInt32Field(transcript, offset, sequence);
            offset = FieldCodec.WriteField(transcript, offset, gatewayPublicKey);
            FieldCodec.WriteField(transcript, offset, devicePublicKey);
            return transcript;
        }

        /// <summary>P = HMAC-SHA256(K_proof, T), K_proof = HKDF-SHA256(S', empty salt, "m2m/v1/rotate-proof").</summary>
        public static byte[] ComputeProof(IHmacSha256 hmac, byte[] newSecret, byte[] transcript)
        {
            var proofKey = new Hkdf(hmac).DeriveKey(newSecret, null, Encoding.UTF8.GetBytes(ProtocolV1.RotationProofKeyInfo), ProtocolV1.KeyLength);
            var proof = hmac.Compute(proofKey, transcript);
            Array.Clear(proofKey, 0, proofKey.Length);
            return proof;
        }
    }
}
