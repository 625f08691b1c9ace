using M2M.Device.Core.Storage;
using M2M.Device.Core.Tests.Fakes;
using nanoFramework.TestFramework;

namespace M2M.Device.Core.Tests
{
    /// <summary>
    /// The record bytes equal the examples of docs/device-credential.md section 7 (computed there by an
    /// independent implementation), so the provisioning tool and the board agree byte for byte.
    /// </summary>
    [TestClass]
    public class CredentialRecordMatchesTheDocumentedBytesTests
    {
        public const string CredentialHex = "4d324d4301000000010000008a0000000b73656e736f722d3030303100000020000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f0000002468747470733a2f2f676174657761792e6578616d706c652f6f61757468322f746f6b656e000000010100000000000000000000000f676174657761792e6578616d706c650000000222b30000000101000000009e53deed";

        public const string EpochHex = "4d324d45010000000700000000cdd34f93";

        [TestMethod]
        public void TheVectorCredentialEncodesToTheDocumentedBytes()
        {
            Assert.AreEqual(CredentialHex, Hex.Encode(CredentialRecord.Encode(TestCredentials.Create(0), 1)));
        }

        [TestMethod]
        public void TheDocumentedBytesDecodeToTheVectorCredential()
        {
            DeviceCredential? credential;
            var frame = CredentialRecord.Decode(Hex.Decode(CredentialHex), out credential);

            Assert.AreEqual((int)RecordStatus.Valid, (int)frame.Status);
            Assert.AreEqual((uint)1, frame.Generation);
            Assert.IsNotNull(credential);
            Assert.AreEqual(ProtocolTestVectors.SecretHex, Hex.Encode(credential.Secret));
        }

        [TestMethod]
        public void TheDocumentedEpochRecordIsEpochSeven()
        {
            var files = new InMemoryFileStore();
            files.Put(BootEpoch.SlotA, Hex.Decode(EpochHex));

            Assert.AreEqual((uint)8, new BootEpoch(files).Next());
            Assert.AreEqual("4d324d45010000000800000000", Hex.Encode(files.Get(BootEpoch.SlotB)!).Substring(0, 26));
        }

        [TestMethod]
        public void Crc32HasTheStandardCheckValue()
        {
            var data = new byte[] { 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39 };

            Assert.AreEqual(0xCBF43926u, Crc32.Compute(data, 0, data.Length));
        }
    }
}
