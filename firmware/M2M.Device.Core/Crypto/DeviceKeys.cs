using System;
using System.Text;
using M2M.Device.Core.Platform;
using M2M.Device.Core.Protocol;

namespace M2M.Device.Core.Crypto
{
    /// <summary>
    /// The working keys of a device, derived from its secret S (docs/protocol.md sections 2 and 11.1):
    /// K_auth signs token requests, K_msg signs telemetry, K_cmd authenticates commands and their
    /// results. S itself is used for nothing else, so a key that leaks from one use does not
    /// compromise the others.
    /// </summary>
    public sealed class DeviceKeys
    {
        private DeviceKeys(byte[] authKey, byte[] messageKey, byte[] commandKey)
        {
            AuthKey = authKey;
            MessageKey = messageKey;
            CommandKey = commandKey;
        }

        /// <summary>K_auth = HKDF-SHA256(IKM = S, salt = empty, info = "m2m/v1/auth", L = 32).</summary>
        public byte[] AuthKey { get; private set; }

        /// <summary>K_msg = HKDF-SHA256(IKM = S, salt = empty, info = "m2m/v1/msg", L = 32).</summary>
        public byte[] MessageKey { get; private set; }

        /// <summary>K_cmd = HKDF-SHA256(IKM = S, salt = empty, info = "m2m/v1/cmd", L = 32).</summary>
        public byte[] CommandKey { get; private set; }

        /// <summary>Derives the keys from the 32-byte device secret.</summary>
        public static DeviceKeys Derive(byte[] secret, IHmacSha256 hmac)
        {
            if (secret == null)
            {
                throw new ArgumentNullException(nameof(secret));
            }

            if (secret.Length != ProtocolV1.KeyLength)
            {
                throw new ArgumentException("The device secret must be 32 bytes.", nameof(secret));
            }

            var hkdf = new Hkdf(hmac);
            return new DeviceKeys(
                hkdf.DeriveKey(secret, null, Encoding.UTF8.GetBytes(ProtocolV1.AuthKeyInfo), ProtocolV1.KeyLength),
                hkdf.DeriveKey(secret, null, Encoding.UTF8.GetBytes(ProtocolV1.MessageKeyInfo), ProtocolV1.KeyLength),
                hkdf.DeriveKey(secret, null, Encoding.UTF8.GetBytes(ProtocolV1.CommandKeyInfo), ProtocolV1.KeyLength));
        }

        /// <summary>Overwrites the keys, for when the credential is rotated or removed.</summary>
        public void Clear()
        {
            Array.Clear(AuthKey, 0, AuthKey.Length);
            Array.Clear(MessageKey, 0, MessageKey.Length);
            Array.Clear(CommandKey, 0, CommandKey.Length);
        }
    }
}
