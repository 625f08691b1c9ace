using M2M.Device.Core.Crypto;
using M2M.Device.Core.Messaging;
using M2M.Device.Core.Tokens;
using nanoFramework.TestFramework;

namespace M2M.Device.Core.Tests
{
    /// <summary>The device core reproduces every test vector of docs/protocol.md section 10.</summary>
    [TestClass]
    public class ProtocolVectorsTests
    {
        private static readonly string[] PropertyNames = new string[] { "m2m-v", "m2m-epoch", "m2m-seq", "m2m-ts", "m2m-sig" };

        [TestMethod]
        public void DerivesTheAuthAndMessageKeysOfTheVectors()
        {
            var keys = DeviceKeys.Derive(Hex.Decode(ProtocolTestVectors.SecretHex), TestPlatform.Hmac);

            Assert.AreEqual(ProtocolTestVectors.AuthKeyHex, Hex.Encode(keys.AuthKey));
            Assert.AreEqual(ProtocolTestVectors.MessageKeyHex, Hex.Encode(keys.MessageKey));
        }

        [TestMethod]
        public void BuildsTheClientAssertionOfTheVectors()
        {
            var keys = DeviceKeys.Derive(Hex.Decode(ProtocolTestVectors.SecretHex), TestPlatform.Hmac);

            var assertion = ClientAssertion.Create(
                ProtocolTestVectors.DeviceId,
                ProtocolTestVectors.AssertionAudience,
                ProtocolTestVectors.AssertionJwtId,
                ProtocolTestVectors.AssertionIssuedAt,
                ProtocolTestVectors.AssertionExpiresAt,
                keys.AuthKey,
                TestPlatform.Hmac);

            Assert.AreEqual(ProtocolTestVectors.Assertion, assertion);
        }

        [TestMethod]
        public void EncodesAndSignsTheJsonTelemetryVector()
        {
            CheckMessageVector(
                ProtocolTestVectors.Message1Topic,
                ProtocolTestVectors.Message1Epoch,
                ProtocolTestVectors.Message1Sequence,
                ProtocolTestVectors.Message1Timestamp,
                ProtocolTestVectors.Message1ContentType,
                ProtocolTestVectors.Message1PayloadHex,
                ProtocolTestVectors.Message1EncodedHex,
                ProtocolTestVectors.Message1Signature);
        }

        [TestMethod]
        public void EncodesAndSignsTheBinaryStreamVector()
        {
            CheckMessageVector(
                ProtocolTestVectors.Message2Topic,
                ProtocolTestVectors.Message2Epoch,
                ProtocolTestVectors.Message2Sequence,
                ProtocolTestVectors.Message2Timestamp,
                ProtocolTestVectors.Message2ContentType,
                ProtocolTestVectors.Message2PayloadHex,
                ProtocolTestVectors.Message2EncodedHex,
                ProtocolTestVectors.Message2Signature);
        }

        [TestMethod]
        public void Base64UrlRejectsWhatIsNotCanonical()
        {
            Assert.IsNull(Base64Url.Decode("a"));
            Assert.IsNull(Base64Url.Decode("ab+/"));
            Assert.IsNull(Base64Url.Decode("ab=="));
            Assert.AreEqual("00ff10", Hex.Encode(Base64Url.Decode("AP8Q")!));

            // The bits of the last character beyond the data must be zero (RFC 4648 section 3.5).
            Assert.IsNull(Base64Url.Decode("AB"));
            Assert.IsNull(Base64Url.Decode("AAB"));
            Assert.AreEqual("00", Hex.Encode(Base64Url.Decode("AA")!));
            Assert.AreEqual("0001", Hex.Encode(Base64Url.Decode("AAE")!));
        }

        private static void CheckMessageVector(string topic, uint epoch, uint sequence, long timestamp, string contentType, string payloadHex, string encodedHex, string signature)
        {
            var encoded = SignedMessageEncoding.Encode(ProtocolTestVectors.DeviceId, topic, epoch, sequence, timestamp, contentType, Hex.Decode(payloadHex));
            var keys = DeviceKeys.Derive(Hex.Decode(ProtocolTestVectors.SecretHex), TestPlatform.Hmac);

            Assert.AreEqual(encodedHex, Hex.Encode(encoded));
            Assert.AreEqual(signature, Base64Url.Encode(TestPlatform.Hmac.Compute(keys.MessageKey, encoded)));

            // The signer builds the same signature and carries it, with the numbers, in the m2m-* properties.
            var message = MessageSigner.Create(ProtocolTestVectors.DeviceId, topic, epoch, sequence, timestamp, contentType, Hex.Decode(payloadHex), keys.MessageKey, TestPlatform.Hmac);
            Assert.AreEqual(signature, message.RenderSignature());
            Assert.AreEqual(topic, message.Topic);
            Assert.AreEqual(contentType.Length == 0 ? null : contentType, message.ContentType);
            CollectionAssert.AreEqual(PropertyNames, message.UserPropertyNames);
            CollectionAssert.AreEqual(new string[] { "1", epoch.ToString(), sequence.ToString(), timestamp.ToString(), signature }, message.RenderUserPropertyValues());
        }
    }
}
