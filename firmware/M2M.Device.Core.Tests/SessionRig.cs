using M2M.Device.Core.Crypto;
using M2M.Device.Core.Messaging;
using M2M.Device.Core.Session;
using M2M.Device.Core.Tests.Fakes;
using M2M.Device.Core.Time;
using nanoFramework.TestFramework;

namespace M2M.Device.Core.Tests
{
    /// <summary>
    /// A session manager over the in-memory transport, a fake token source and a clock the test moves:
    /// everything a session test needs, built fresh for each test.
    /// </summary>
    public sealed class SessionRig
    {
        /// <summary>2026-01-01T00:00:00Z, a set clock.</summary>
        public const long Now = 1767225600000;

        /// <summary>Token lifetime used by the rig: one hour.</summary>
        public const long TokenLifetime = 3600000;

        public SessionRig()
            : this(new SessionOptions(), 16)
        {
        }

        public SessionRig(SessionOptions options, int outboxCapacity)
        {
            Options = options;
            Clock = new FakeClock(Now);
            Random = new FakeRandom();
            Tokens = new FakeTokenSource(Clock, TokenLifetime);
            Transport = new InMemoryMqttTransport();
            Outbox = new Outbox(outboxCapacity);
            var deviceClock = new DeviceClock(Clock);
            Keys = DeviceKeys.Derive(Hex.Decode(ProtocolTestVectors.SecretHex), TestPlatform.Hmac);
            Signer = new MessageSigner(ProtocolTestVectors.DeviceId, Keys.MessageKey, TestPlatform.Hmac, deviceClock, 1);
            TimeSync = new FakeTimeSync(Clock, Now);
            Session = new SessionManager(
                ProtocolTestVectors.DeviceId,
                Transport,
                Tokens,
                new AssertionRenewalCredential(ProtocolTestVectors.DeviceId, ProtocolTestVectors.AssertionAudience, Keys.AuthKey, TestPlatform.Hmac, deviceClock, Random),
                Outbox,
                deviceClock,
                TimeSync,
                Random,
                options);
        }

        public SessionOptions Options { get; private set; }

        public FakeClock Clock { get; private set; }

        public FakeRandom Random { get; private set; }

        public FakeTokenSource Tokens { get; private set; }

        public InMemoryMqttTransport Transport { get; private set; }

        public Outbox Outbox { get; private set; }

        public DeviceKeys Keys { get; private set; }

        public MessageSigner Signer { get; private set; }

        public FakeTimeSync TimeSync { get; private set; }

        public SessionManager Session { get; private set; }

        /// <summary>Steps while the session says work is due now (at most 20 times); returns the last wait.</summary>
        public int Settle()
        {
            for (var i = 0; i < 20; i++)
            {
                var wait = Session.Step();
                if (wait > 0)
                {
                    return wait;
                }
            }

            return 0;
        }

        /// <summary>Starts the session and checks it is connected.</summary>
        public void Connect()
        {
            Settle();
            Assert.AreEqual((int)SessionState.Connected, (int)Session.State);
        }

        /// <summary>Collects one signed message with a payload of one byte.</summary>
        public SignedMessage Collect(byte value)
        {
            var message = Signer.Sign("application/octet-stream", new byte[] { value });
            Session.Submit(message);
            return message;
        }

        public void AssertState(SessionState expected)
        {
            Assert.AreEqual((int)expected, (int)Session.State);
        }
    }
}
