using M2M.Device.Core.Commands;
using M2M.Device.Core.Crypto;
using M2M.Device.Core.Tests.Fakes;
using nanoFramework.TestFramework;

namespace M2M.Device.Core.Tests
{
    /// <summary>
    /// The device reads the command vectors of docs/protocol.md section 10 and writes the result vector
    /// byte for byte (section 11): K_cmd, the two commands, the result.
    /// </summary>
    [TestClass]
    public class CommandVectorsAreTheDocumentedBytesTests
    {
        [TestMethod]
        public void TheCommandKeyIsTheVector()
        {
            Assert.AreEqual(ProtocolTestVectors.CommandKeyHex, Hex.Encode(Keys().CommandKey));
        }

        [TestMethod]
        public void BothCommandVectorsDecode()
        {
            var codec = new CommandCodec(ProtocolTestVectors.DeviceId, Keys().CommandKey, TestPlatform.Hmac);

            var first = codec.Decode(Hex.Decode(ProtocolTestVectors.Command1PayloadHex));
            var second = codec.Decode(Hex.Decode(ProtocolTestVectors.Command2PayloadHex));

            Assert.IsNotNull(first);
            Assert.AreEqual(ProtocolTestVectors.Command1Sequence, first!.Sequence);
            Assert.AreEqual(ProtocolTestVectors.Command1ExpiresAt, first.ExpiresAt);
            Assert.AreEqual(ProtocolTestVectors.Command1Name, first.Name);
            Assert.AreEqual("30", first.Argument("telemetry_interval_s"));
            Assert.AreEqual(1, first.Arguments!.Count);
            Assert.IsNotNull(second);
            Assert.AreEqual(ProtocolTestVectors.Command2Sequence, second!.Sequence);
            Assert.AreEqual(ProtocolTestVectors.Command2Name, second.Name);
            Assert.AreEqual(0, second.Arguments!.Count);
        }

        [TestMethod]
        public void TheCommandVectorIsTheBytesAGatewayBuilds()
        {
            var built = TestCommands.Build(TestPlatform.Hmac, Keys().CommandKey, ProtocolTestVectors.DeviceId, ProtocolTestVectors.Command1Sequence, ProtocolTestVectors.Command1ExpiresAt, ProtocolTestVectors.Command1Name, ProtocolTestVectors.Command1Arguments);

            Assert.AreEqual(ProtocolTestVectors.Command1PayloadHex, Hex.Encode(built));
        }

        [TestMethod]
        public void TheResultIsTheVector()
        {
            var codec = new CommandCodec(ProtocolTestVectors.DeviceId, Keys().CommandKey, TestPlatform.Hmac);

            var result = codec.EncodeResult(ProtocolTestVectors.Result1Sequence, new CommandResult(ProtocolTestVectors.Result1Status, ProtocolTestVectors.Result1Detail));

            Assert.AreEqual(ProtocolTestVectors.Result1PayloadHex, Hex.Encode(result));
        }

        private static DeviceKeys Keys()
        {
            return DeviceKeys.Derive(Hex.Decode(ProtocolTestVectors.SecretHex), TestPlatform.Hmac);
        }
    }
}
