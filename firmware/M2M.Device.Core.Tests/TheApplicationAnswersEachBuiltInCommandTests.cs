using M2M.Device.Core.App;
using M2M.Device.Core.Commands;
using M2M.Device.Core.Crypto;
using M2M.Device.Core.Protocol;
using M2M.Device.Core.Session;
using M2M.Device.Core.Storage;
using M2M.Device.Core.Tests.Fakes;
using nanoFramework.TestFramework;

namespace M2M.Device.Core.Tests
{
    /// <summary>
    /// The application subscribes every session to its command topic and answers the built-in commands
    /// (docs/protocol.md section 11.5) on its results topic: ping with its state, set-config written to
    /// the configuration file and the telemetry interval applied at once, reboot a few seconds after
    /// its answer, anything else unknown_command; an answer's PUBACK never touches the telemetry.
    /// </summary>
    [TestClass]
    public class TheApplicationAnswersEachBuiltInCommandTests
    {
        private const long Now = 1767225600000;

        [TestMethod]
        public void PingIsAnsweredWithTheDevicesState()
        {
            var rig = new Rig(true);

            var answer = rig.Send(1, "ping", string.Empty);

            Assert.AreEqual(CommandResult.Ok, answer[0]);
            Assert.IsTrue(answer[1].IndexOf("epoch=1") >= 0);
            Assert.IsTrue(answer[1].IndexOf("telemetry_interval_s=10") >= 0);
        }

        [TestMethod]
        public void SetConfigIsWrittenAndTheIntervalAppliesAtOnce()
        {
            var rig = new Rig(true);

            var answer = rig.Send(1, "set-config", "outbox_capacity=20\ntelemetry_interval_s=30");

            Assert.AreEqual(CommandResult.Ok, answer[0]);
            Assert.AreEqual("telemetry_interval_s=30\noutbox_capacity=20\napplies_at_boot=outbox_capacity", answer[1]);
            var written = DeviceConfig.Parse(rig.Files.Get(DeviceConfig.FileName)).Config!;
            Assert.AreEqual(30, written.TelemetryIntervalSeconds);
            Assert.AreEqual(20, written.OutboxCapacity);
            var collected = rig.App.Collected;
            rig.Clock.Advance(29999);
            rig.App.Tick();
            Assert.AreEqual(collected, rig.App.Collected);
            rig.Clock.Advance(1);
            rig.App.Tick();
            Assert.AreEqual(collected + 1, rig.App.Collected);
        }

        [TestMethod]
        public void SetConfigOutOfRangeIsRefusedAndNothingIsWritten()
        {
            var rig = new Rig(true);
            var before = rig.Files.Get(DeviceConfig.FileName);

            Assert.AreEqual(CommandResult.InvalidArguments, rig.Send(1, "set-config", "telemetry_interval_s=0")[0]);
            Assert.AreEqual(CommandResult.InvalidArguments, rig.Send(2, "set-config", "outbox_capacity=5000")[0]);
            Assert.AreEqual(CommandResult.InvalidArguments, rig.Send(3, "set-config", string.Empty)[0]);
            Assert.AreEqual(CommandResult.InvalidArguments, rig.Send(4, "set-config", "keep_alive_s=5")[0]);
            CollectionAssert.AreEqual(before!, rig.Files.Get(DeviceConfig.FileName)!);
        }

        [TestMethod]
        public void RebootRestartsAfterItsAnswerHasLeft()
        {
            var rig = new Rig(true);

            var answer = rig.Send(1, "reboot", string.Empty);

            Assert.AreEqual(CommandResult.Ok, answer[0]);
            rig.App.Tick();
            Assert.AreEqual(0, rig.Restart.Restarts);
            rig.Clock.Advance(3000);
            rig.App.Tick();
            Assert.AreEqual(1, rig.Restart.Restarts);
            rig.Clock.Advance(10000);
            rig.App.Tick();
            Assert.AreEqual(1, rig.Restart.Restarts);
        }

        [TestMethod]
        public void RebootWhereThePlatformCannotRestartIsAnsweredFailed()
        {
            var rig = new Rig(false);

            Assert.AreEqual(CommandResult.Failed, rig.Send(1, "reboot", string.Empty)[0]);
        }

        [TestMethod]
        public void AnUnknownCommandIsAnsweredAsSuch()
        {
            var rig = new Rig(true);

            Assert.AreEqual(CommandResult.UnknownCommand, rig.Send(1, "self-destruct", "now=1")[0]);
            Assert.AreEqual(SessionState.Connected, rig.App.Session!.State);
        }

        [TestMethod]
        public void AnAnswersPubackIsNotATelemetryAcknowledgement()
        {
            var rig = new Rig(true);
            rig.Send(1, "ping", string.Empty);
            var answer = rig.Transport.LastPublished();

            // A refusal code on the answer's PUBACK: a telemetry message would be dropped or the session ended.
            rig.Transport.Acknowledge(answer.PacketId, 0x87);
            rig.App.Session!.Step();

            Assert.AreEqual(SessionState.Connected, rig.App.Session.State);
            Assert.AreEqual(0L, rig.App.Session.Refused);
            Assert.AreEqual(1, rig.App.Outbox!.InflightCount);
        }

        private sealed class Rig
        {
            public Rig(bool canRestart)
            {
                Files = new InMemoryFileStore();
                new CredentialStore(Files).Provision(TestCredentials.Create(0));
                var config = new DeviceConfig();
                config.TelemetryIntervalSeconds = 10;
                Files.Put(DeviceConfig.FileName, config.Format());
                Clock = new FakeClock(Now);
                Connections = new InMemoryConnections(Clock);
                Restart = new FakeRestart();
                var platform = new DevicePlatform(Files, Clock, new FakeRandom(), TestPlatform.Hmac, new FakeNetworkLink(), new FakeTimeSync(Clock, Now), new FakeDeviceStatus(), Connections);
                if (canRestart)
                {
                    platform.Restart = Restart;
                }

                App = new DeviceApplication(platform);
                Assert.IsTrue(App.Start());
                App.Tick();
                for (var i = 0; i < 10 && Transport.Published.Count < 1; i++)
                {
                    App.Session!.Step();
                }

                Assert.AreEqual(SessionState.Connected, App.Session!.State);
                Assert.AreEqual(ProtocolV1.CommandTopic(ProtocolTestVectors.DeviceId), (string)Transport.Subscriptions[0]!);
                Keys = DeviceKeys.Derive(TestCredentials.Create(0).Secret, TestPlatform.Hmac);
            }

            public InMemoryFileStore Files { get; private set; }

            public FakeClock Clock { get; private set; }

            public InMemoryConnections Connections { get; private set; }

            public InMemoryMqttTransport Transport
            {
                get { return Connections.Transport; }
            }

            public FakeRestart Restart { get; private set; }

            public DeviceApplication App { get; private set; }

            public DeviceKeys Keys { get; private set; }

            /// <summary>Delivers a command, lets the session handle it, and reads its answer: status, detail.</summary>
            public string[] Send(uint sequence, string name, string arguments)
            {
                var published = Transport.Published.Count;
                var payload = TestCommands.Build(TestPlatform.Hmac, Keys.CommandKey, ProtocolTestVectors.DeviceId, sequence, (Now / 1000) + 3600, name, arguments);
                Transport.Deliver(ProtocolV1.CommandTopic(ProtocolTestVectors.DeviceId), payload);
                App.Session!.Step();
                Assert.AreEqual(published + 1, Transport.Published.Count);
                var answer = Transport.LastPublished();
                Assert.AreEqual(ProtocolV1.CommandResultTopic(ProtocolTestVectors.DeviceId), answer.Topic);
                var read = TestCommands.ReadResult(TestPlatform.Hmac, Keys.CommandKey, answer.Payload, out var answered);
                Assert.IsNotNull(read);
                Assert.AreEqual(sequence, answered);
                return read!;
            }
        }
    }
}
