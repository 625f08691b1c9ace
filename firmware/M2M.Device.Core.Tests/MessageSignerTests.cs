using System;
using M2M.Device.Core.Crypto;
using M2M.Device.Core.Messaging;
using M2M.Device.Core.Tests.Fakes;
using M2M.Device.Core.Time;
using nanoFramework.TestFramework;

namespace M2M.Device.Core.Tests
{
    /// <summary>
    /// The signer numbers messages with the boot epoch and a sequence starting at 1, stamps the device
    /// time (0 while unknown) and signs at collection time (docs/protocol.md sections 6.1 and 6.3).
    /// </summary>
    [TestClass]
    public class MessageSignerTests
    {
        [TestMethod]
        public void TheFortySecondMessageOfEpochSevenIsTheJsonVector()
        {
            var clock = new FakeClock(ProtocolTestVectors.Message1Timestamp);
            var signer = NewSigner(clock, ProtocolTestVectors.Message1Epoch);
            var payload = Hex.Decode(ProtocolTestVectors.Message1PayloadHex);
            for (var i = 1; i < ProtocolTestVectors.Message1Sequence; i++)
            {
                signer.Sign(ProtocolTestVectors.Message1ContentType, payload);
            }

            var message = signer.Sign(ProtocolTestVectors.Message1ContentType, payload);

            Assert.AreEqual(ProtocolTestVectors.Message1Topic, message.Topic);
            Assert.AreEqual(ProtocolTestVectors.Message1Sequence, message.Sequence);
            Assert.AreEqual(ProtocolTestVectors.Message1Timestamp, message.Timestamp);
            Assert.AreEqual(ProtocolTestVectors.Message1Signature, message.RenderSignature());
        }

        [TestMethod]
        public void AStreamMessageWithoutClockIsTheBinaryVector()
        {
            // A board at boot: its clock says 1970, so the time is unknown and sent as 0.
            var clock = new FakeClock(5000);
            var signer = NewSigner(clock, ProtocolTestVectors.Message2Epoch);

            var message = signer.Sign("vibration", null, Hex.Decode(ProtocolTestVectors.Message2PayloadHex));

            Assert.AreEqual(ProtocolTestVectors.Message2Topic, message.Topic);
            Assert.AreEqual(0L, message.Timestamp);
            Assert.IsNull(message.ContentType);
            Assert.AreEqual(ProtocolTestVectors.Message2Signature, message.RenderSignature());
        }

        [TestMethod]
        public void SequenceStartsAtOneAndIncreasesWithinTheEpoch()
        {
            var signer = NewSigner(new FakeClock(ProtocolTestVectors.Message1Timestamp), 3);

            var first = signer.Sign(null, new byte[] { 1 });
            var second = signer.Sign("a", null, new byte[] { 1 });
            var third = signer.Sign(null, new byte[] { 1 });

            Assert.AreEqual(3u, first.Epoch);
            Assert.AreEqual(1u, first.Sequence);
            Assert.AreEqual(2u, second.Sequence);
            Assert.AreEqual(3u, third.Sequence);
            Assert.AreEqual(3u, signer.LastSequence);
            Assert.AreNotEqual(first.RenderSignature(), third.RenderSignature());
        }

        [TestMethod]
        public void TheMessageKeepsTheTimeItWasCollectedAt()
        {
            var clock = new FakeClock(ProtocolTestVectors.Message1Timestamp);
            var signer = NewSigner(clock, 1);

            var message = signer.Sign(null, new byte[] { 1 });
            clock.Advance(60000);

            Assert.AreEqual(ProtocolTestVectors.Message1Timestamp, message.Timestamp);
            Assert.AreEqual(ProtocolTestVectors.Message1Timestamp.ToString(), message.RenderUserPropertyValues()[3]);
        }

        [TestMethod]
        public void RefusesAnEpochOfZeroAndAMalformedStream()
        {
            var clock = new FakeClock(0);
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => NewSigner(clock, 0));
            var signer = NewSigner(clock, 1);
            Assert.ThrowsException(typeof(ArgumentException), () => signer.Sign("Upper", null, new byte[0]));
            Assert.ThrowsException(typeof(ArgumentException), () => signer.Sign("a/b", null, new byte[0]));
            Assert.ThrowsException(typeof(ArgumentException), () => signer.Sign(string.Empty, null, new byte[0]));
            Assert.ThrowsException(typeof(ArgumentException), () => signer.Sign("012345678901234567890123456789012", null, new byte[0]));
            Assert.AreEqual(0u, signer.LastSequence);
        }

        private static MessageSigner NewSigner(FakeClock clock, uint epoch)
        {
            var keys = DeviceKeys.Derive(Hex.Decode(ProtocolTestVectors.SecretHex), TestPlatform.Hmac);
            return new MessageSigner(ProtocolTestVectors.DeviceId, keys.MessageKey, TestPlatform.Hmac, new DeviceClock(clock), epoch);
        }
    }
}
