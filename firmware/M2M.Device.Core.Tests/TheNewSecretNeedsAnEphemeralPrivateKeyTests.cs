using System.Text;
using M2M.Device.Core.Crypto;
using nanoFramework.TestFramework;

namespace M2M.Device.Core.Tests
{
    /// <summary>
    /// Forward secrecy of the rotation (docs/protocol.md section 12): S' depends on the ephemeral private
    /// keys, not only on S and the transcript. Someone who knows S and recorded the exchange (the
    /// transcript, so both public keys) and tries the derivations those alone allow does not find S';
    /// the same S and gateway key with another device private key give another S'.
    /// </summary>
    [TestClass]
    public class TheNewSecretNeedsAnEphemeralPrivateKeyTests
    {
        [TestMethod]
        public void NoDerivationOfSAndTheTranscriptAloneGivesTheNewSecret()
        {
            var secret = Hex.Decode(ProtocolTestVectors.SecretHex);
            var gatewayPublic = Hex.Decode(ProtocolTestVectors.RotationGatewayPublicHex);
            var devicePublic = Hex.Decode(ProtocolTestVectors.RotationDevicePublicHex);
            var transcript = Hex.Decode(ProtocolTestVectors.RotationTranscriptHex);
            var newSecret = Run(Hex.Decode(ProtocolTestVectors.RotationDevicePrivateHex));
            var hkdf = new Hkdf(TestPlatform.Hmac);
            var curve = new X25519();

            // What a listener holding S can compute: HKDF of S under any public input, and the exchange
            // with anything public standing in for Z (the public keys, their product as if they were scalars).
            var publicInputs = new byte[][] { new byte[32], gatewayPublic, devicePublic, transcript, curve.ScalarMult(gatewayPublic, devicePublic), curve.ScalarMult(devicePublic, gatewayPublic) };
            var infos = new byte[][] { transcript, Encoding.UTF8.GetBytes("m2m/v1/rotate"), Encoding.UTF8.GetBytes("m2m/v1/auth"), new byte[0] };
            for (var i = 0; i < infos.Length; i++)
            {
                Assert.AreNotEqual(Hex.Encode(newSecret), Hex.Encode(hkdf.DeriveKey(secret, null, infos[i], 32)), "HKDF(S) info " + i.ToString());
                for (var j = 0; j < publicInputs.Length; j++)
                {
                    Assert.AreNotEqual(Hex.Encode(newSecret), Hex.Encode(hkdf.DeriveKey(publicInputs[j], secret, infos[i], 32)), "HKDF(public " + j.ToString() + ", salt S) info " + i.ToString());
                    Assert.AreNotEqual(Hex.Encode(newSecret), Hex.Encode(hkdf.DeriveKey(secret, publicInputs[j], infos[i], 32)), "HKDF(S, salt public " + j.ToString() + ") info " + i.ToString());
                }
            }
        }

        [TestMethod]
        public void AnotherDevicePrivateKeyGivesAnotherNewSecret()
        {
            var first = Hex.Decode(ProtocolTestVectors.RotationDevicePrivateHex);
            var second = Hex.Decode(ProtocolTestVectors.RotationDevicePrivateHex);
            second[5] ^= 0x10;

            Assert.AreNotEqual(Hex.Encode(Run(first)), Hex.Encode(Run(second)));
        }

        [TestMethod]
        public void TheGatewaysSideWithItsOwnPrivateKeyFindsTheSameSecret()
        {
            var newSecret = Run(Hex.Decode(ProtocolTestVectors.RotationDevicePrivateHex));
            var curve = new X25519();

            // Z from the other private key: X25519(d_g, Q_d) = X25519(d_d, Q_g).
            var shared = curve.ScalarMult(Hex.Decode(ProtocolTestVectors.RotationGatewayPrivateHex), Hex.Decode(ProtocolTestVectors.RotationDevicePublicHex));
            var derived = new Hkdf(TestPlatform.Hmac).DeriveKey(shared, Hex.Decode(ProtocolTestVectors.SecretHex), Hex.Decode(ProtocolTestVectors.RotationTranscriptHex), 32);

            Assert.AreEqual(ProtocolTestVectors.RotationSharedHex, Hex.Encode(shared));
            Assert.AreEqual(Hex.Encode(newSecret), Hex.Encode(derived));
        }

        private static byte[] Run(byte[] devicePrivate)
        {
            var exchange = new SecretExchange(TestPlatform.Hmac, new X25519());
            Assert.IsTrue(exchange.Run(ProtocolTestVectors.DeviceId, ProtocolTestVectors.RotationSequence, Hex.Decode(ProtocolTestVectors.SecretHex), Hex.Decode(ProtocolTestVectors.RotationGatewayPublicHex), devicePrivate));
            return exchange.NewSecret!;
        }
    }
}
