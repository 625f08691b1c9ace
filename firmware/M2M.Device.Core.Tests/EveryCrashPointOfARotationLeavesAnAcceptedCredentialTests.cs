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
    /// The device's side of the crash-point table of docs/protocol.md section 12.5: a power loss at each
    /// step of an over-the-air rotation leaves the device, after its reboot, with a credential the
    /// gateway accepts at that point (S until the gateway verified the proof, S' once it promoted it);
    /// a refused S' is given up for S, an accepted one is committed over S.
    /// </summary>
    [TestClass]
    public class EveryCrashPointOfARotationLeavesAnAcceptedCredentialTests
    {
        private const long Now = 1767225600000;

        [TestMethod]
        public void ACompletedRotationAnswersWithAProofOfTheSecretItWroteAndRestarts()
        {
            var board = new Board();
            var device = board.Boot(FakeTokenSource.Issue);

            var answer = device.Rotate(5);

            Assert.AreEqual(CommandResult.Ok, answer[0]);
            var newSecret = GatewayDerives(answer[1], 5);
            Assert.IsNotNull(newSecret);
            Assert.IsTrue(device.App.RestartAt > 0);
            var store = new CredentialStore(board.Files);
            Assert.AreEqual(Hex.Encode(newSecret!), Hex.Encode(store.Load()!.Secret));
            Assert.IsTrue(store.Provisional);
        }

        [TestMethod]
        public void PowerLostWhileWritingTheNewSecretLeavesS()
        {
            var board = new Board();
            var device = board.Boot(FakeTokenSource.Issue);
            var slotLength = board.Files.Get(CredentialStore.SlotA)!.Length;

            for (var keep = 0; keep < slotLength; keep += 7)
            {
                board.Files.TearNextWrite(keep, keep % 2 == 0);
                var answer = device.Rotate((uint)(keep + 1));
                Assert.AreEqual(CommandResult.Failed, answer[0]);
                Assert.AreEqual("reason=credential_not_written", answer[1]);

                var rebooted = board.Boot(FakeTokenSource.Issue);
                Assert.AreEqual(Hex.Encode(board.Secret), rebooted.Secret());
                Assert.IsFalse(rebooted.App.OnProbation);
                device = rebooted;
            }
        }

        [TestMethod]
        public void PowerLostBeforeTheAnswerLeftBringsTheDeviceBackToS()
        {
            var board = new Board();
            var device = board.Boot(FakeTokenSource.Issue);
            var journalA = board.Files.Get(CommandJournal.SlotA);
            var journalB = board.Files.Get(CommandJournal.SlotB);
            device.Rotate(1);

            // The slot was written; the journal record never was and the answer never left.
            Restore(board.Files, CommandJournal.SlotA, journalA);
            Restore(board.Files, CommandJournal.SlotB, journalB);
            var probation = board.Boot(FakeTokenSource.Refuse);
            Assert.IsTrue(probation.App.OnProbation);
            Assert.AreNotEqual(Hex.Encode(board.Secret), probation.Secret());

            // The gateway has no proof: invalid_client, the device gives S' up and restarts into S.
            probation.Tick();
            Assert.AreEqual(1, probation.Restart.Restarts);
            var back = board.Boot(FakeTokenSource.Issue);
            Assert.AreEqual(Hex.Encode(board.Secret), back.Secret());
            Assert.IsFalse(back.App.OnProbation);

            // The command comes again in the next session and runs again (new ephemeral keys on a board).
            var again = back.Rotate(1);
            Assert.AreEqual(CommandResult.Ok, again[0]);
            Assert.IsNotNull(GatewayDerives(again[1], 1));
        }

        [TestMethod]
        public void PowerLostAfterTheAnswerWasRecordedBeforeTheGatewayVerifiedItBringsTheDeviceBackToS()
        {
            var board = new Board();
            var device = board.Boot(FakeTokenSource.Issue);
            var first = device.Rotate(1);

            var probation = board.Boot(FakeTokenSource.Refuse);
            probation.Tick();
            var back = board.Boot(FakeTokenSource.Issue);

            Assert.AreEqual(Hex.Encode(board.Secret), back.Secret());

            // A resend of command 1 gets the recorded answer again, without a second run.
            var resent = back.Rotate(1);
            Assert.AreEqual(first[1], resent[1]);
        }

        [TestMethod]
        public void AnAcceptedNewSecretIsCommittedOverTheOldOne()
        {
            var board = new Board();
            var device = board.Boot(FakeTokenSource.Issue);
            var newSecret = GatewayDerives(device.Rotate(1)[1], 1)!;

            // The gateway verified the proof and promotes S' at the first token request under it.
            var probation = board.Boot(FakeTokenSource.Issue);
            Assert.IsTrue(probation.App.OnProbation);
            probation.Tick();

            Assert.IsFalse(probation.App.OnProbation);
            Assert.AreEqual(0, probation.Restart.Restarts);
            CollectionAssert.AreEqual(board.Files.Get(CredentialStore.SlotA)!, board.Files.Get(CredentialStore.SlotB)!);
            var after = board.Boot(FakeTokenSource.Refuse);
            Assert.AreEqual(Hex.Encode(newSecret), after.Secret());
            Assert.IsFalse(after.App.OnProbation);

            // Refused now (disabled, say), it stays with S': there is nothing older to go back to.
            after.Tick();
            Assert.AreEqual(0, after.Restart.Restarts);
            Assert.AreEqual(Hex.Encode(newSecret), board.Boot(FakeTokenSource.Issue).Secret());
        }

        [TestMethod]
        public void PowerLostWhileCommittingLeavesTheNewSecretAlone()
        {
            var board = new Board();
            var device = board.Boot(FakeTokenSource.Issue);
            var newSecret = GatewayDerives(device.Rotate(1)[1], 1)!;
            var oldSlot = board.Files.Get(CredentialStore.SlotA)!;

            for (var keep = 0; keep < oldSlot.Length; keep += 11)
            {
                board.Files.Put(CredentialStore.SlotA, oldSlot);
                var probation = board.Boot(FakeTokenSource.Issue);
                Assert.IsTrue(probation.App.OnProbation);

                board.Files.TearNextWrite(keep, true);
                probation.Tick();

                var after = board.Boot(FakeTokenSource.Issue);
                Assert.AreEqual(Hex.Encode(newSecret), after.Secret(), "torn at " + keep.ToString());
            }
        }

        [TestMethod]
        public void ARotationIsRefusedWhileTheLastOneIsOnProbation()
        {
            var board = new Board();
            board.Boot(FakeTokenSource.Issue).Rotate(1);
            var probation = board.Boot(FakeTokenSource.Issue);

            var answer = probation.Rotate(2);

            Assert.AreEqual(CommandResult.Failed, answer[0]);
            Assert.AreEqual("reason=rotation_pending", answer[1]);
        }

        [TestMethod]
        public void ADeviceThatCannotRestartDoesNotRotate()
        {
            var board = new Board();
            board.CanRestart = false;
            var device = board.Boot(FakeTokenSource.Issue);
            var before = board.Files.Get(CredentialStore.SlotB);

            var answer = device.Rotate(1);

            Assert.AreEqual("reason=restart_unsupported", answer[1]);
            CollectionAssert.AreEqual(before!, board.Files.Get(CredentialStore.SlotB)!);
        }

        [TestMethod]
        public void AMalformedGatewayKeyIsInvalid()
        {
            var device = new Board().Boot(FakeTokenSource.Issue);

            Assert.AreEqual(CommandResult.InvalidArguments, device.Send(1, BuiltInCommands.RotateSecret, "gateway_key=abc")[0]);
            Assert.AreEqual(CommandResult.InvalidArguments, device.Send(2, BuiltInCommands.RotateSecret, "gateway_key=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")[0]);
        }

        // What the gateway does with the answer (section 12.6): Z from its private key, S', the proof checked.
        private static byte[]? GatewayDerives(string detail, uint sequence)
        {
            var arguments = CommandArguments.Parse(detail)!;
            var devicePublic = Base64Url.Decode((string)arguments["device_key"]!)!;
            var proof = Base64Url.Decode((string)arguments["proof"]!)!;
            var gatewayPublic = Hex.Decode(ProtocolTestVectors.RotationGatewayPublicHex);
            var shared = new X25519().ScalarMult(Hex.Decode(ProtocolTestVectors.RotationGatewayPrivateHex), devicePublic);
            var transcript = SecretExchange.Transcript(ProtocolTestVectors.DeviceId, sequence, gatewayPublic, devicePublic);
            var newSecret = new Hkdf(TestPlatform.Hmac).DeriveKey(shared, Hex.Decode(ProtocolTestVectors.SecretHex), transcript, 32);
            return Hex.Encode(SecretExchange.ComputeProof(TestPlatform.Hmac, newSecret, transcript)) == Hex.Encode(proof) ? newSecret : null;
        }

        private static void Restore(InMemoryFileStore files, string name, byte[]? content)
        {
            if (content == null)
            {
                files.Delete(name);
            }
            else
            {
                files.Put(name, content);
            }
        }

        /// <summary>A board's drive, provisioned with the vector secret S; each boot is a new application over it.</summary>
        private sealed class Board
        {
            public Board()
            {
                Files = new InMemoryFileStore();
                new CredentialStore(Files).Provision(TestCredentials.Create(0));
                var config = new DeviceConfig();
                config.TelemetryIntervalSeconds = 10;
                Files.Put(DeviceConfig.FileName, config.Format());
                Secret = TestCredentials.Create(0).Secret;
            }

            public InMemoryFileStore Files { get; private set; }

            public byte[] Secret { get; private set; }

            public bool CanRestart { get; set; } = true;

            /// <summary>Starts the application (no tick yet); its token requests end as <paramref name="tokenOutcome"/> says.</summary>
            public Device Boot(int tokenOutcome)
            {
                return new Device(this, tokenOutcome);
            }
        }

        private sealed class Device
        {
            private readonly InMemoryConnections _connections;
            private readonly FakeClock _clock;

            public Device(Board board, int tokenOutcome)
            {
                _clock = new FakeClock(Now);
                _connections = new InMemoryConnections(_clock);
                _connections.Tokens.Outcome = tokenOutcome;
                Restart = new FakeRestart();
                var platform = new DevicePlatform(board.Files, _clock, new FakeRandom(), TestPlatform.Hmac, new FakeNetworkLink(), new FakeTimeSync(_clock, Now), new FakeDeviceStatus(), _connections);
                if (board.CanRestart)
                {
                    platform.Restart = Restart;
                }

                App = new DeviceApplication(platform);
                Assert.IsTrue(App.Start());
                for (var i = 0; i < 10 && App.Session!.State != SessionState.Connected && App.Session.State != SessionState.Refused; i++)
                {
                    App.Session.Step();
                }
            }

            public DeviceApplication App { get; private set; }

            public FakeRestart Restart { get; private set; }

            /// <summary>The secret this boot runs with, as hex.</summary>
            public string Secret()
            {
                return Hex.Encode(_connections.Credential!.Secret);
            }

            public void Tick()
            {
                App.Tick();
            }

            public string[] Rotate(uint sequence)
            {
                return Send(sequence, BuiltInCommands.RotateSecret, ProtocolTestVectors.RotationArguments);
            }

            /// <summary>Delivers a command signed under K_cmd of the secret this boot runs with, and reads the answer: status, detail.</summary>
            public string[] Send(uint sequence, string name, string arguments)
            {
                var keys = DeviceKeys.Derive(Hex.Decode(Secret()), TestPlatform.Hmac);
                var transport = _connections.Transport;
                var published = transport.Published.Count;
                transport.Deliver(ProtocolV1.CommandTopic(ProtocolTestVectors.DeviceId), TestCommands.Build(TestPlatform.Hmac, keys.CommandKey, ProtocolTestVectors.DeviceId, sequence, (Now / 1000) + 3600, name, arguments));
                App.Session!.Step();
                Assert.AreEqual(published + 1, transport.Published.Count);
                var read = TestCommands.ReadResult(TestPlatform.Hmac, keys.CommandKey, transport.LastPublished().Payload, out var answered);
                Assert.IsNotNull(read);
                Assert.AreEqual(sequence, answered);
                return read!;
            }
        }
    }
}
