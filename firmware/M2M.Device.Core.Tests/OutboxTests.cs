using M2M.Device.Core.Messaging;
using nanoFramework.TestFramework;

namespace M2M.Device.Core.Tests
{
    /// <summary>
    /// The outbox keeps at most its capacity, drops and counts the oldest when full, sends in order
    /// and releases a message only on its PUBACK (docs/protocol.md section 6.4).
    /// </summary>
    [TestClass]
    public class OutboxTests
    {
        [TestMethod]
        public void WhenFullTheOldestIsDroppedAndCounted()
        {
            var outbox = new Outbox(3);
            for (uint i = 1; i <= 30; i++)
            {
                outbox.Add(Message(i));
                Assert.IsTrue(outbox.Count <= outbox.Capacity);
            }

            Assert.AreEqual(3, outbox.Count);
            Assert.AreEqual(27L, outbox.Dropped);
            Assert.AreEqual(28u, SendNext(outbox, 1).Sequence);
            Assert.AreEqual(29u, SendNext(outbox, 2).Sequence);
            Assert.AreEqual(30u, SendNext(outbox, 3).Sequence);
            Assert.IsNull(outbox.NextToSend());
        }

        [TestMethod]
        public void MessagesLeaveOnlyOnTheirPubackAndAreResentInOrder()
        {
            var outbox = new Outbox(8);
            for (uint i = 1; i <= 4; i++)
            {
                outbox.Add(Message(i));
            }

            SendNext(outbox, 11);
            SendNext(outbox, 12);
            SendNext(outbox, 13);
            Assert.AreEqual(3, outbox.InflightCount);

            Assert.AreEqual(2u, outbox.Acknowledge(12)!.Sequence);
            Assert.IsNull(outbox.Acknowledge(12));
            Assert.IsNull(outbox.Acknowledge(99));
            Assert.AreEqual(3, outbox.Count);
            Assert.AreEqual(2, outbox.InflightCount);

            // The session ends: 1 and 3 were sent but not acknowledged, 4 never sent.
            outbox.ResendAll();
            Assert.AreEqual(0, outbox.InflightCount);
            Assert.AreEqual(1u, SendNext(outbox, 1).Sequence);
            Assert.AreEqual(3u, SendNext(outbox, 2).Sequence);
            Assert.AreEqual(4u, SendNext(outbox, 3).Sequence);
            Assert.IsNull(outbox.Acknowledge(11));
            Assert.AreEqual(3, outbox.Count);
        }

        [TestMethod]
        public void DroppingAMessageInFlightForgetsItsPacketId()
        {
            var outbox = new Outbox(2);
            outbox.Add(Message(1));
            outbox.Add(Message(2));
            SendNext(outbox, 7);

            outbox.Add(Message(3));

            Assert.AreEqual(0, outbox.InflightCount);
            Assert.IsNull(outbox.Acknowledge(7));
            Assert.AreEqual(2u, SendNext(outbox, 8).Sequence);
            Assert.AreEqual(1L, outbox.Dropped);
        }

        [TestMethod]
        public void TheRingWrapsAroundWithoutLosingOrder()
        {
            var outbox = new Outbox(3);
            ushort packetId = 1;
            for (uint i = 1; i <= 10; i++)
            {
                outbox.Add(Message(i));
                var sent = SendNext(outbox, packetId);
                Assert.AreEqual(i, sent.Sequence);
                Assert.AreEqual(i, outbox.Acknowledge(packetId)!.Sequence);
                packetId++;
            }

            Assert.AreEqual(0, outbox.Count);
            Assert.AreEqual(0L, outbox.Dropped);
        }

        private static SignedMessage SendNext(Outbox outbox, ushort packetId)
        {
            var message = outbox.NextToSend();
            Assert.IsNotNull(message);
            outbox.MarkSent(message, packetId);
            return message;
        }

        private static SignedMessage Message(uint sequence)
        {
            return MessageSigner.Create(ProtocolTestVectors.DeviceId, ProtocolTestVectors.Message1Topic, 1, sequence, 0, null, new byte[] { (byte)sequence }, new byte[32], TestPlatform.Hmac);
        }
    }
}
