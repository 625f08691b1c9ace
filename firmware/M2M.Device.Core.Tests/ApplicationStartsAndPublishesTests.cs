using System.Text;
using M2M.Device.Core.App;
using M2M.Device.Core.Crypto;
using M2M.Device.Core.Messaging;
using M2M.Device.Core.Protocol;
using M2M.Device.Core.Session;
using M2M.Device.Core.Storage;
using M2M.Device.Core.Tests.Fakes;
using nanoFramework.TestFramework;

namespace M2M.Device.Core.Tests
{
    /// <summary>
    /// The application's startup sequence and collection loop over in-memory transports: a provisioned
    /// board connects and publishes signed telemetry; an unprovisioned or misconfigured one waits with
    /// a stable reason instead of rebooting; a lost link is rejoined with back-off while telemetry is
    /// still collected.
    /// </summary>
    [TestClass]
    public class ApplicationStartsAndPublishesTests
    {
        private const long Now = 1767225600000;

        [TestMethod]
        public void ProvisionedBoardConnectsAndPublishesSignedTelemetry()
        {
            var files = ProvisionedDrive(10);
            var clock = new FakeClock(Now);
            var connections = new InMemoryConnections(clock);
            var app = new DeviceApplication(Platform(files, clock, new FakeNetworkLink(), connections));

            Assert.IsTrue(app.Start());
            Assert.AreEqual(1u, app.Epoch);
            Assert.AreEqual(10, app.Config!.TelemetryIntervalSeconds);

            app.Tick();
            StepUntilPublished(app.Session!, connections.Transport, 1);

            var connect = connections.Transport.LastConnect();
            Assert.AreEqual(ProtocolTestVectors.DeviceId, connect.ClientId);
            Assert.AreEqual("token-1", connect.Password);

            // Presented at CONNECT, then forgotten (docs/architecture.md, "Device memory budget").
            Assert.IsNull(connections.Tokens.AccessToken);

            var published = connections.Transport.LastPublished();
            Assert.AreEqual(ProtocolV1.TelemetryTopic(ProtocolTestVectors.DeviceId), published.Topic);
            Assert.AreEqual(TelemetryPayload.ContentType, published.ContentType);
            Assert.AreEqual("1", published.Property(ProtocolV1.EpochProperty));
            Assert.AreEqual("1", published.Property(ProtocolV1.SequenceProperty));
            var payload = Encoding.UTF8.GetString(published.Payload, 0, published.Payload.Length);
            Assert.AreEqual("{\"uptime_s\":0,\"epoch\":1,\"dropped\":0,\"refused\":0,\"heap_free\":81234,\"rssi_dbm\":-61}", payload);

            // The signature is the protocol's (section 6.2) under K_msg of the provisioned secret.
            var keys = DeviceKeys.Derive(TestCredentials.Create(0).Secret, TestPlatform.Hmac);
            var expected = MessageSigner.Create(ProtocolTestVectors.DeviceId, published.Topic, 1, 1, Now, published.ContentType, published.Payload, keys.MessageKey, TestPlatform.Hmac);
            Assert.AreEqual(expected.RenderSignature(), published.Property(ProtocolV1.SignatureProperty));

            // Next message on the 10 s cadence, not before.
            clock.Advance(9999);
            app.Tick();
            Assert.AreEqual(1L, app.Collected);
            clock.Advance(1);
            app.Tick();
            Assert.AreEqual(2L, app.Collected);
        }

        [TestMethod]
        public void EachBootStartsANewEpoch()
        {
            var files = ProvisionedDrive(10);
            var clock = new FakeClock(Now);

            var first = new DeviceApplication(Platform(files, clock, new FakeNetworkLink(), new InMemoryConnections(clock)));
            var second = new DeviceApplication(Platform(files, clock, new FakeNetworkLink(), new InMemoryConnections(clock)));

            Assert.IsTrue(first.Start());
            Assert.IsTrue(second.Start());
            Assert.AreEqual(1u, first.Epoch);
            Assert.AreEqual(2u, second.Epoch);
        }

        [TestMethod]
        public void UnprovisionedBoardWaitsWithAReasonAndStartsOnceProvisioned()
        {
            var files = new InMemoryFileStore();
            var clock = new FakeClock(Now);
            var app = new DeviceApplication(Platform(files, clock, new FakeNetworkLink(), new InMemoryConnections(clock)));

            Assert.IsFalse(app.Start());
            Assert.AreEqual(ApplicationState.NotProvisioned, app.State);
            Assert.AreEqual(DeviceApplication.CredentialMissing, app.LastError);
            Assert.AreEqual(60000, app.Tick());
            Assert.IsFalse(files.Exists(BootEpoch.SlotA) || files.Exists(BootEpoch.SlotB));

            new CredentialStore(files).Provision(TestCredentials.Create(0));

            Assert.IsTrue(app.Start());
            Assert.AreEqual(ApplicationState.Running, app.State);
            Assert.AreEqual(DeviceConfigResult.Missing, app.LastError);
            Assert.AreEqual(1u, app.Epoch);
        }

        [TestMethod]
        public void ABadConfigurationFileStopsTheStartWithItsReason()
        {
            var files = ProvisionedDrive(10);
            files.Put(DeviceConfig.FileName, Encoding.UTF8.GetBytes("format=1\ntelemetry_intervall_s=5\n"));
            var clock = new FakeClock(Now);
            var app = new DeviceApplication(Platform(files, clock, new FakeNetworkLink(), new InMemoryConnections(clock)));

            Assert.IsFalse(app.Start());
            Assert.AreEqual(DeviceConfigResult.UnknownKey, app.LastError);
        }

        [TestMethod]
        public void AClientThatCannotBeCreatedIsReportedWithItsExceptionTypeInsteadOfEndingTheApplication()
        {
            var files = ProvisionedDrive(10);
            var clock = new FakeClock(Now);
            var connections = new InMemoryConnections(clock);
            connections.FailTransport = true;
            var status = new FakeDeviceStatus();
            var app = new DeviceApplication(Platform(files, clock, new FakeNetworkLink(), connections, status));

            Assert.IsFalse(app.Start());
            Assert.AreEqual(ApplicationState.NotProvisioned, app.State);
            Assert.AreEqual(DeviceApplication.SetupFailed, app.LastError);
            Assert.AreEqual("System.ArgumentException", app.LastErrorType);

            // The board shows it: a board that cannot start sends no telemetry.
            Assert.AreEqual(DeviceApplication.SetupFailed, status.FailureReason);
            Assert.AreEqual("System.ArgumentException", status.FailureType);

            connections.FailTransport = false;
            Assert.IsTrue(app.Start());
            Assert.IsNull(app.LastErrorType);
        }

        [TestMethod]
        public void LostLinkIsRejoinedWithBackoffWhileTelemetryIsStillCollected()
        {
            var files = ProvisionedDrive(60);
            var clock = new FakeClock(Now);
            var link = new FakeNetworkLink();
            var connections = new InMemoryConnections(clock);
            var app = new DeviceApplication(Platform(files, clock, link, connections));
            Assert.IsTrue(app.Start());

            link.IsUp = false;
            link.JoinSucceeds = false;
            var wait = app.Tick();

            Assert.AreEqual(1, link.Joins);
            Assert.AreEqual(1L, app.Collected);
            Assert.AreEqual(1, app.Outbox!.Count);
            Assert.AreEqual(5000, wait);

            clock.Advance(4999);
            app.Tick();
            Assert.AreEqual(1, link.Joins);

            clock.Advance(1);
            Assert.AreEqual(10000, app.Tick());
            Assert.AreEqual(2, link.Joins);

            clock.Advance(10000);
            link.JoinSucceeds = true;
            app.Tick();
            Assert.AreEqual(3, link.Joins);
            Assert.IsTrue(link.IsUp);

            // The message collected offline is published, with its original numbers, once connected.
            StepUntilPublished(app.Session!, connections.Transport, 1);
            Assert.AreEqual("1", connections.Transport.PublishedAt(0).Property(ProtocolV1.SequenceProperty));
        }

        private static InMemoryFileStore ProvisionedDrive(int intervalSeconds)
        {
            var files = new InMemoryFileStore();
            new CredentialStore(files).Provision(TestCredentials.Create(0));
            var config = new DeviceConfig();
            config.TelemetryIntervalSeconds = intervalSeconds;
            files.Put(DeviceConfig.FileName, config.Format());
            return files;
        }

        private static DevicePlatform Platform(InMemoryFileStore files, FakeClock clock, FakeNetworkLink link, InMemoryConnections connections)
        {
            return Platform(files, clock, link, connections, new FakeDeviceStatus());
        }

        private static DevicePlatform Platform(InMemoryFileStore files, FakeClock clock, FakeNetworkLink link, InMemoryConnections connections, FakeDeviceStatus status)
        {
            return new DevicePlatform(files, clock, new FakeRandom(), TestPlatform.Hmac, link, new FakeTimeSync(clock, Now), status, connections);
        }

        private static void StepUntilPublished(SessionManager session, InMemoryMqttTransport transport, int count)
        {
            // Each step does what is due now; a handful suffice for sync, token, connect and publish.
            for (var i = 0; i < 10 && transport.Published.Count < count; i++)
            {
                session.Step();
            }

            Assert.AreEqual(count, transport.Published.Count);
            Assert.AreEqual(SessionState.Connected, session.State);
        }
    }
}
