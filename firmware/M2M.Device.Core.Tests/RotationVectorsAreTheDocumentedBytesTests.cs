using M2M.Device.Core.Commands;
using M2M.Device.Core.Crypto;
using nanoFramework.TestFramework;

namespace M2M.Device.Core.Tests
{
    /// <summary>
    /// The device computes the rotation vectors of docs/protocol.md section 10 (object "rotation") byte
    /// for byte (section 12): with the documented ephemeral private key it finds the documented public
    /// key, transcript, S' and proof, reads the documented command and writes the documented result.
    /// </summary>
    [TestClass]
    public class RotationVectorsAreTheDocumentedBytesTests
    {
        [TestMethod]
        public void TheExchangeGivesTheDocumentedKeySecretAndProof()
        {
            var exchange = new SecretExchange(TestPlatform.Hmac, new X25519());

            var ran = exchange.Run(ProtocolTestVectors.DeviceId, ProtocolTestVectors.RotationSequence, Hex.Decode(ProtocolTestVectors.SecretHex), Hex.Decode(ProtocolTestVectors.RotationGatewayPublicHex), Hex.Decode(ProtocolTestVectors.RotationDevicePrivateHex));

            Assert.IsTrue(ran);
            Assert.AreEqual(ProtocolTestVectors.RotationDevicePublicHex, Hex.Encode(exchange.DevicePublicKey!));
            Assert.AreEqual(ProtocolTestVectors.RotationNewSecretHex, Hex.Encode(exchange.NewSecret!));
            Assert.AreEqual(ProtocolTestVectors.RotationProof, Base64Url.Encode(exchange.Proof!));
        }

        [TestMethod]
        public void TheTranscriptIsTheDocumentedBytes()
        {
            var transcript = SecretExchange.Transcript(ProtocolTestVectors.DeviceId, ProtocolTestVectors.RotationSequence, Hex.Decode(ProtocolTestVectors.RotationGatewayPublicHex), Hex.Decode(ProtocolTestVectors.RotationDevicePublicHex));

            Assert.AreEqual(ProtocolTestVectors.RotationTranscriptHex, Hex.Encode(transcript));
        }

        [TestMethod]
        public void TheNewSecretsKeysAreTheDocumentedOnes()
        {
            var keys = DeviceKeys.Derive(Hex.Decode(ProtocolTestVectors.RotationNewSecretHex), TestPlatform.Hmac);
            var proofKey = new Hkdf(TestPlatform.Hmac).DeriveKey(Hex.Decode(ProtocolTestVectors.RotationNewSecretHex), null, System.Text.Encoding.UTF8.GetBytes("m2m/v1/rotate-proof"), 32);

            Assert.AreEqual(ProtocolTestVectors.RotationNewAuthKeyHex, Hex.Encode(keys.AuthKey));
            Assert.AreEqual(ProtocolTestVectors.RotationProofKeyHex, Hex.Encode(proofKey));
        }

        [TestMethod]
        public void TheCommandDecodesAndTheResultIsTheDocumentedBytes()
        {
            var keys = DeviceKeys.Derive(Hex.Decode(ProtocolTestVectors.SecretHex), TestPlatform.Hmac);
            var codec = new CommandCodec(ProtocolTestVectors.DeviceId, keys.CommandKey, TestPlatform.Hmac);

            var command = codec.Decode(Hex.Decode(ProtocolTestVectors.RotationCommandPayloadHex));
            var result = codec.EncodeResult(ProtocolTestVectors.RotationSequence, new CommandResult(CommandResult.Ok, ProtocolTestVectors.RotationDetail));

            Assert.IsNotNull(command);
            Assert.AreEqual(BuiltInCommands.RotateSecret, command!.Name);
            Assert.AreEqual(ProtocolTestVectors.RotationExpiresAt, command.ExpiresAt);
            Assert.AreEqual(ProtocolTestVectors.RotationGatewayPublicHex, Hex.Encode(Base64Url.Decode(command.Argument(BuiltInCommands.GatewayKeyArgument))!));
            Assert.AreEqual(ProtocolTestVectors.RotationResultPayloadHex, Hex.Encode(result));
        }

        [TestMethod]
        public void ALowOrderGatewayKeyIsRefused()
        {
            var exchange = new SecretExchange(TestPlatform.Hmac, new X25519());

            // u = 0 is of small order: every scalar gives Z = 0 (RFC 7748 section 6.1).
            Assert.IsFalse(exchange.Run(ProtocolTestVectors.DeviceId, 1, Hex.Decode(ProtocolTestVectors.SecretHex), new byte[32], Hex.Decode(ProtocolTestVectors.RotationDevicePrivateHex)));
            Assert.IsNull(exchange.NewSecret);
        }
    }
}
