using M2M.Device.Core.Storage;

namespace M2M.Device.Core.Tests.Fakes
{
    /// <summary>Credentials for tests: the protocol's vector secret, or a variant of it.</summary>
    public static class TestCredentials
    {
        public const string TokenEndpoint = "https://gateway.example/oauth2/token";

        /// <summary>The vector device with secret 0x00..0x1f (plus <paramref name="variant"/> in every byte).</summary>
        public static DeviceCredential Create(byte variant)
        {
            var secret = Hex.Decode(ProtocolTestVectors.SecretHex);
            for (var i = 0; i < secret.Length; i++)
            {
                secret[i] = (byte)(secret[i] + variant);
            }

            return new DeviceCredential(ProtocolTestVectors.DeviceId, secret, TokenEndpoint, "gateway.example", 8883);
        }
    }
}
