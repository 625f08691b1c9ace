using M2M.Device.Core.Messaging;
using M2M.Device.Core.Platform;
using M2M.Device.Core.Session;
using nanoFramework.TestFramework;

namespace M2M.Device.Core.Tests
{
    /// <summary>
    /// docs/protocol.md sections 9.3 and 9.4: a message leaves the outbox only when the gateway accepted it
    /// or refused it definitively (PUBACK 0x83, 0x87, 0x90, 0x99). Every transient failure (a failure PUBACK
    /// of another kind, a PUBACK that never came, a DISCONNECT) keeps it: the session ends, backs off, and
    /// the next session resends everything unacknowledged in order.
    /// </summary>
    [TestClass]
    public class TheDeviceKeepsEveryMessageNotDefinitivelyRefusedTests
    {
        [TestMethod]
        [DataRow(0x80)]
        [DataRow(0x89)]
        [DataRow(0x91)]
        [DataRow(0x97)]
        [DataRow(-2)]
        public void ATransientPubackKeepsTheMessageAndResendsItInOrderAfterBackOff(int code)
        {
            var rig = new SessionRig();
            rig.Connect();
            var first = rig.Collect(1);
            var second = rig.Collect(2);
            var third = rig.Collect(3);
            rig.Settle();

            rig.Transport.Acknowledge(rig.Transport.PublishedAt(0).PacketId, code);
            var wait = rig.Settle();

            // Not resent alone on this connection (it would come after newer ones, section 8): the session ends.
            rig.AssertState(SessionState.BackingOff);
            Assert.AreEqual(1, rig.Transport.Disconnects);
            Assert.AreEqual(code, rig.Session.LastReasonCode);
            Assert.AreEqual(0L, rig.Session.Refused);
            Assert.AreEqual(3, rig.Outbox.Count);
            rig.Clock.Advance(wait - 1);
            rig.Settle();
            Assert.AreEqual(1, rig.Transport.Connects.Count);

            rig.Clock.Advance(1);
            rig.Settle();

            rig.AssertState(SessionState.Connected);
            Assert.AreEqual(2, rig.Transport.Connects.Count);

            // The first token was forgotten after its CONNECT: the reconnect presents a new one.
            Assert.AreEqual("token-2", rig.Transport.LastConnect().Password);
            AssertResent(rig, 3, new SignedMessage[] { first, second, third });
            AcknowledgeFrom(rig, 3);
            Assert.AreEqual(0, rig.Outbox.Count);
            Assert.AreEqual(3L, rig.Session.Acknowledged);
        }

        [TestMethod]
        [DataRow(0x80)]
        [DataRow(0x81)]
        [DataRow(0x82)]
        [DataRow(0x83)]
        [DataRow(0x89)]
        [DataRow(0x8B)]
        [DataRow(0x8D)]
        [DataRow(0x93)]
        [DataRow(0x94)]
        [DataRow(0x96)]
        [DataRow(0x97)]
        [DataRow(0x99)]
        [DataRow(0x9A)]
        [DataRow(0x9B)]
        [DataRow(0x9F)]
        [DataRow(-1)]
        public void ADisconnectWithMessagesInFlightLosesNothing(int code)
        {
            var rig = new SessionRig();
            rig.Connect();
            rig.Collect(1);
            var second = rig.Collect(2);
            var third = rig.Collect(3);
            rig.Settle();
            rig.Transport.Acknowledge(rig.Transport.PublishedAt(0).PacketId, MqttCodes.Success);
            rig.Settle();

            rig.Transport.Close(code);
            var wait = rig.Settle();
            rig.AssertState(SessionState.BackingOff);
            Assert.AreEqual(code, rig.Session.LastReasonCode);
            rig.Clock.Advance(wait);
            rig.Settle();

            rig.AssertState(SessionState.Connected);
            Assert.AreEqual(2, rig.Transport.Connects.Count);
            Assert.AreEqual(0, rig.Tokens.Invalidations);
            Assert.AreEqual(0L, rig.Session.Refused);
            AssertResent(rig, 3, new SignedMessage[] { second, third });
            Assert.AreEqual(2, rig.Outbox.Count);
        }

        [TestMethod]
        public void RepeatedTransientFailuresBackOffLongerAlthoughEveryConnectSucceeds()
        {
            var rig = new SessionRig();
            rig.Random.Highest = true;
            rig.Connect();
            rig.Collect(1);
            rig.Settle();

            // The gateway accepts each CONNECT, then cannot store the message (DISCONNECT 0x80
            // journal_unavailable): equal jitter at its highest, 1 s, 2 s, 4 s.
            Assert.AreEqual(1000, EndSessionAndReconnect(rig, MqttCodes.UnspecifiedError));
            Assert.AreEqual(2000, EndSessionAndReconnect(rig, MqttCodes.UnspecifiedError));
            Assert.AreEqual(4000, EndSessionAndReconnect(rig, MqttCodes.UnspecifiedError));

            // An acknowledgement shows the gateway works again: the next failure starts from 1 s.
            rig.Transport.Acknowledge(rig.Transport.LastPublished().PacketId, MqttCodes.Success);
            rig.Settle();
            rig.Collect(2);
            rig.Settle();
            Assert.AreEqual(1000, EndSessionAndReconnect(rig, MqttCodes.UnspecifiedError));
            Assert.AreEqual(5, rig.Transport.Connects.Count);
        }

        [TestMethod]
        [DataRow(0x83)]
        [DataRow(0x87)]
        [DataRow(0x90)]
        [DataRow(0x99)]
        public void ADefinitiveRefusalIsDroppedAndCountedAndTheSessionGoesOn(int code)
        {
            var rig = new SessionRig();
            rig.Connect();
            rig.Collect(1);
            var second = rig.Collect(2);
            rig.Settle();

            rig.Transport.Acknowledge(rig.Transport.PublishedAt(0).PacketId, code);
            rig.Settle();

            rig.AssertState(SessionState.Connected);
            Assert.AreEqual(0, rig.Transport.Disconnects);
            Assert.AreEqual(code, rig.Session.LastReasonCode);
            Assert.AreEqual(1L, rig.Session.Refused);
            Assert.AreEqual(1, rig.Outbox.Count);

            // Never sent again, not even in a later session.
            rig.Transport.Close(MqttCodes.NetworkError);
            rig.Clock.Advance(rig.Settle());
            rig.Settle();
            rig.AssertState(SessionState.Connected);
            AssertResent(rig, 2, new SignedMessage[] { second });
        }

        [TestMethod]
        [DataRow(0x10)]
        public void APubackBelow0x80AcceptsTheMessage(int code)
        {
            var rig = new SessionRig();
            rig.Connect();
            rig.Collect(1);
            rig.Settle();

            rig.Transport.Acknowledge(rig.Transport.LastPublished().PacketId, code);
            rig.Settle();

            Assert.AreEqual(0, rig.Outbox.Count);
            Assert.AreEqual(1L, rig.Session.Acknowledged);
            Assert.AreEqual(0L, rig.Session.Refused);
        }

        // Ends the session with a DISCONNECT, waits out the back-off and checks the reconnect resent the
        // message; returns the back-off.
        private static int EndSessionAndReconnect(SessionRig rig, int code)
        {
            var connects = rig.Transport.Connects.Count;
            rig.Transport.Close(code);
            var wait = rig.Settle();
            rig.AssertState(SessionState.BackingOff);
            rig.Clock.Advance(wait);
            rig.Settle();
            rig.AssertState(SessionState.Connected);
            Assert.AreEqual(connects + 1, rig.Transport.Connects.Count);
            return wait;
        }

        // The PUBLISHes from index `from` on are exactly `expected`, in order.
        private static void AssertResent(SessionRig rig, int from, SignedMessage[] expected)
        {
            Assert.AreEqual(from + expected.Length, rig.Transport.Published.Count);
            for (var i = 0; i < expected.Length; i++)
            {
                Assert.AreEqual(expected[i].RenderSignature(), rig.Transport.PublishedAt(from + i).Property("m2m-sig"));
            }
        }

        private static void AcknowledgeFrom(SessionRig rig, int from)
        {
            for (var i = from; i < rig.Transport.Published.Count; i++)
            {
                rig.Transport.Acknowledge(rig.Transport.PublishedAt(i).PacketId, MqttCodes.Success);
            }

            rig.Settle();
        }
    }
}
