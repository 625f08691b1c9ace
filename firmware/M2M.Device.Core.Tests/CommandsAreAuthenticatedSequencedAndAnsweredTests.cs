using System;
using M2M.Device.Core.Commands;
using M2M.Device.Core.Crypto;
using M2M.Device.Core.Tests.Fakes;
using M2M.Device.Core.Time;
using nanoFramework.TestFramework;

namespace M2M.Device.Core.Tests
{
    /// <summary>
    /// The device's side of cloud-to-device commands (docs/protocol.md sections 11.2 to 11.4): only a
    /// command signed under K_cmd for this device is run, each sequence number once, a repeat of the
    /// last one gets the same answer without a second run, an older one is answered replayed, an
    /// expired one expired, an unknown one unknown_command, and no payload, however broken, throws.
    /// </summary>
    [TestClass]
    public class CommandsAreAuthenticatedSequencedAndAnsweredTests
    {
        private const string DeviceId = "sensor-0001";
        private const long Now = 1767225600;

        [TestMethod]
        public void AnAuthenticCommandIsRunAndAnsweredUnderTheCommandKey()
        {
            var rig = new Rig();

            var result = rig.Processor.Handle(rig.Command(1, "ping", string.Empty));

            var read = TestCommands.ReadResult(TestPlatform.Hmac, rig.Keys.CommandKey, result!, out var sequence);
            Assert.IsNotNull(read);
            Assert.AreEqual(1u, sequence);
            Assert.AreEqual(CommandResult.Ok, read![0]);
            Assert.AreEqual(1, rig.Handler.Runs);
            Assert.AreEqual(1u, rig.Journal.LastSequence);
        }

        [TestMethod]
        public void ACommandSignedUnderAnotherKeyOrForAnotherDeviceIsIgnored()
        {
            var rig = new Rig();
            var otherKeys = DeviceKeys.Derive(new byte[32], TestPlatform.Hmac);
            var forged = TestCommands.Build(TestPlatform.Hmac, otherKeys.CommandKey, DeviceId, 1, Now + 60, "reboot", string.Empty);
            var elsewhere = TestCommands.Build(TestPlatform.Hmac, rig.Keys.CommandKey, "sensor-0002", 1, Now + 60, "reboot", string.Empty);
            var messageKeyed = TestCommands.Build(TestPlatform.Hmac, rig.Keys.MessageKey, DeviceId, 1, Now + 60, "reboot", string.Empty);

            Assert.IsNull(rig.Processor.Handle(forged));
            Assert.IsNull(rig.Processor.Handle(elsewhere));
            Assert.IsNull(rig.Processor.Handle(messageKeyed));
            Assert.AreEqual(0, rig.Handler.Runs);
            Assert.AreEqual(3L, rig.Processor.Ignored);
            Assert.AreEqual(0u, rig.Journal.LastSequence);
        }

        [TestMethod]
        public void TheLastCommandDeliveredAgainGetsTheSameAnswerWithoutASecondRun()
        {
            var rig = new Rig();
            var command = rig.Command(7, "ping", string.Empty);
            var first = rig.Processor.Handle(command);

            var again = rig.Processor.Handle(command);

            CollectionAssert.AreEqual(first!, again!);
            Assert.AreEqual(1, rig.Handler.Runs);
        }

        [TestMethod]
        public void AnOlderSequenceNumberIsAnsweredReplayedAndNotRun()
        {
            var rig = new Rig();
            rig.Processor.Handle(rig.Command(5, "ping", string.Empty));

            var result = rig.Processor.Handle(rig.Command(4, "reboot", string.Empty));

            Assert.AreEqual(CommandResult.Replayed, rig.Status(result));
            Assert.AreEqual(1, rig.Handler.Runs);
            Assert.AreEqual(5u, rig.Journal.LastSequence);
        }

        [TestMethod]
        public void TheLastSequenceNumberSurvivesARestart()
        {
            var rig = new Rig();
            var command = rig.Command(3, "ping", string.Empty);
            var first = rig.Processor.Handle(command);

            // A new journal on the same drive: what a reboot reads.
            var after = new CommandProcessor(new CommandCodec(DeviceId, rig.Keys.CommandKey, TestPlatform.Hmac), new CommandJournal(rig.Files), rig.Handler, rig.Clock);

            CollectionAssert.AreEqual(first!, after.Handle(command)!);
            Assert.AreEqual(CommandResult.Replayed, rig.Status(after.Handle(rig.Command(2, "ping", string.Empty))));
            Assert.AreEqual(1, rig.Handler.Runs);
        }

        [TestMethod]
        public void AnExpiredCommandIsAnsweredExpiredAndNotRun()
        {
            var rig = new Rig();
            var payload = TestCommands.Build(TestPlatform.Hmac, rig.Keys.CommandKey, DeviceId, 1, Now - 1, "reboot", string.Empty);

            Assert.AreEqual(CommandResult.Expired, rig.Status(rig.Processor.Handle(payload)));
            Assert.AreEqual(0, rig.Handler.Runs);
            Assert.AreEqual(1u, rig.Journal.LastSequence);
        }

        [TestMethod]
        public void ArgumentsThatBreakTheFormatAreAnsweredInvalid()
        {
            var rig = new Rig();

            Assert.AreEqual(CommandResult.InvalidArguments, rig.Status(rig.Processor.Handle(rig.Command(1, "set-config", "Telemetry=5"))));
            Assert.AreEqual(CommandResult.InvalidArguments, rig.Status(rig.Processor.Handle(rig.Command(2, "set-config", "a=1\na=2"))));
            Assert.AreEqual(0, rig.Handler.Runs);
        }

        [TestMethod]
        public void NoPayloadHoweverBrokenThrowsOrRuns()
        {
            var rig = new Rig();
            var valid = rig.Command(9, "ping", "k=v");
            var random = new Random(42);
            for (var round = 0; round < 300; round++)
            {
                // Truncations, single-bit flips and random bytes of every length around the real one.
                var length = round < 100 ? round % valid.Length : valid.Length;
                var broken = new byte[length];
                Array.Copy(valid, broken, length < valid.Length ? length : valid.Length);
                if (round >= 100 && round < 200)
                {
                    broken[random.Next(length)] ^= (byte)(1 << random.Next(8));
                }
                else if (round >= 200)
                {
                    random.NextBytes(broken);
                }

                Assert.IsNull(rig.Processor.Handle(broken));
            }

            Assert.IsNull(rig.Processor.Handle(null));
            Assert.IsNull(rig.Processor.Handle(new byte[CommandCodec.MaxCommandBytes + 1]));
            Assert.AreEqual(0, rig.Handler.Runs);
        }

        [TestMethod]
        public void AnAuthenticCommandWithBrokenFieldsIsIgnored()
        {
            // Signed correctly over bytes that are not the layout (a gateway bug, never an attacker): ignored.
            var rig = new Rig();
            var garbage = new byte[] { 0, 0, 0, 99, 1, 2, 3 };
            var mac = TestPlatform.Hmac.Compute(rig.Keys.CommandKey, garbage);
            var payload = new byte[garbage.Length + mac.Length];
            Array.Copy(garbage, payload, garbage.Length);
            Array.Copy(mac, 0, payload, garbage.Length, mac.Length);

            Assert.IsNull(rig.Processor.Handle(payload));
            Assert.AreEqual(1L, rig.Processor.Ignored);
        }

        [TestMethod]
        public void NothingIsAnsweredWhenTheSequenceCannotBeRecorded()
        {
            var rig = new Rig();
            rig.Files.TearNextWrite(3, false);

            Assert.IsNull(rig.Processor.Handle(rig.Command(1, "ping", string.Empty)));
            Assert.AreEqual(1L, rig.Processor.Ignored);
        }

        private sealed class CountingHandler : ICommandHandler
        {
            public int Runs { get; private set; }

            public CommandResult Execute(Command command)
            {
                Runs++;
                return command.Name == "ping" ? new CommandResult(CommandResult.Ok, string.Empty) : new CommandResult(CommandResult.UnknownCommand, string.Empty);
            }
        }

        private sealed class Rig
        {
            public Rig()
            {
                Keys = DeviceKeys.Derive(Hex.Decode(ProtocolTestVectors.SecretHex), TestPlatform.Hmac);
                Files = new InMemoryFileStore();
                Clock = new DeviceClock(new FakeClock(Now * 1000));
                Journal = new CommandJournal(Files);
                Handler = new CountingHandler();
                Processor = new CommandProcessor(new CommandCodec(DeviceId, Keys.CommandKey, TestPlatform.Hmac), Journal, Handler, Clock);
            }

            public DeviceKeys Keys { get; private set; }

            public InMemoryFileStore Files { get; private set; }

            public DeviceClock Clock { get; private set; }

            public CommandJournal Journal { get; private set; }

            public CountingHandler Handler { get; private set; }

            public CommandProcessor Processor { get; private set; }

            public byte[] Command(uint sequence, string name, string arguments)
            {
                return TestCommands.Build(TestPlatform.Hmac, Keys.CommandKey, DeviceId, sequence, Now + 3600, name, arguments);
            }

            public string Status(byte[]? result)
            {
                Assert.IsNotNull(result);
                var read = TestCommands.ReadResult(TestPlatform.Hmac, Keys.CommandKey, result!, out _);
                Assert.IsNotNull(read);
                return read![0];
            }
        }
    }
}
