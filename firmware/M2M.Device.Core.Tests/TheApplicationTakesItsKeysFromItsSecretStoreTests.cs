using M2M.Device.Core.App;
using M2M.Device.Core.Crypto;
using M2M.Device.Core.Messaging;
using M2M.Device.Core.Platform;
using M2M.Device.Core.Protocol;
using M2M.Device.Core.Storage;
using M2M.Device.Core.Tests.Fakes;
using nanoFramework.TestFramework;

namespace M2M.Device.Core.Tests
{
    /// <summary>
    /// The device secret is reached through one interface, IDeviceSecretStore: a platform that brings
    /// its own store (a hardware backend keeping S out of readable flash) signs with that store's keys,
    /// with no other change to the application.
    /// </summary>
    [TestClass]
    public class TheApplicationTakesItsKeysFromItsSecretStoreTests
    {
        private const long Now = 1767225600000;

        [TestMethod]
        public void ThePlatformsSecretStoreSignsInsteadOfTheCredentialFile()
        {
            var files = new InMemoryFileStore();
            new CredentialStore(files).Provision(TestCredentials.Create(0));
            var clock = new FakeClock(Now);
            var connections = new InMemoryConnections(clock);
            var hardware = new SecretHeldElsewhere(TestCredentials.Create(1).Secret);
            var platform = new DevicePlatform(files, clock, new FakeRandom(), TestPlatform.Hmac, new FakeNetworkLink(), new FakeTimeSync(clock, Now), new FakeDeviceStatus(), connections);
            platform.SecretStore = hardware;
            var app = new DeviceApplication(platform);

            Assert.IsTrue(app.Start());
            app.Tick();
            for (var i = 0; i < 10 && connections.Transport.Published.Count < 1; i++)
            {
                app.Session!.Step();
            }

            Assert.AreEqual(1, hardware.Derivations);
            var published = connections.Transport.LastPublished();
            var expected = MessageSigner.Create(ProtocolTestVectors.DeviceId, published.Topic, 1, 1, Now, published.ContentType, published.Payload, hardware.MessageKey, TestPlatform.Hmac);
            Assert.AreEqual(expected.RenderSignature(), published.Property(ProtocolV1.SignatureProperty));
        }

        /// <summary>A stand-in for a hardware backend: its secret is not the one in the credential file.</summary>
        private sealed class SecretHeldElsewhere : IDeviceSecretStore
        {
            private readonly byte[] _secret;

            public SecretHeldElsewhere(byte[] secret)
            {
                _secret = secret;
            }

            public int Derivations { get; private set; }

            public byte[] MessageKey { get; private set; } = new byte[0];

            public DeviceKeys DeriveKeys(IHmacSha256 hmac)
            {
                Derivations++;
                var keys = DeviceKeys.Derive(_secret, hmac);
                MessageKey = (byte[])keys.MessageKey.Clone();
                return keys;
            }
        }
    }
}
