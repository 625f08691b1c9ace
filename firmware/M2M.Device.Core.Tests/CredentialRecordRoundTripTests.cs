using System;
using M2M.Device.Core.Storage;
using M2M.Device.Core.Tests.Fakes;
using M2M.Device.Core.Tokens;
using nanoFramework.TestFramework;

namespace M2M.Device.Core.Tests
{
    /// <summary>A provisioned credential reads back field for field; what is not a credential is refused.</summary>
    [TestClass]
    public class CredentialRecordRoundTripTests
    {
        private const string Pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

        [TestMethod]
        public void EveryFieldReadsBackAfterProvisioning()
        {
            var files = new InMemoryFileStore();
            var written = TestCredentials.Create(0);
            written.AuthMethod = TokenAuthMethod.ClientSecretBasic;
            written.ClientId = "board-7";
            written.Scope = "telemetry";
            written.MqttTls = false;
            written.CaCertificatePem = Pem;
            new CredentialStore(files).Provision(written);

            var store = new CredentialStore(files);
            var read = store.Load();

            Assert.IsNotNull(read);
            Assert.AreEqual(ProtocolTestVectors.DeviceId, read.DeviceId);
            Assert.AreEqual(ProtocolTestVectors.SecretHex, Hex.Encode(read.Secret));
            Assert.AreEqual(TestCredentials.TokenEndpoint, read.TokenEndpoint);
            Assert.AreEqual((int)TokenAuthMethod.ClientSecretBasic, (int)read.AuthMethod);
            Assert.AreEqual("board-7", read.ClientId);
            Assert.AreEqual("board-7", read.EffectiveClientId);
            Assert.AreEqual("telemetry", read.Scope);
            Assert.AreEqual("gateway.example", read.MqttHost);
            Assert.AreEqual(8883, read.MqttPort);
            Assert.IsFalse(read.MqttTls);
            Assert.AreEqual(Pem, read.CaCertificatePem);
            Assert.AreEqual((uint)1, store.Generation);
            CollectionAssert.AreEqual(files.Get(CredentialStore.SlotA)!, files.Get(CredentialStore.SlotB)!);
        }

        [TestMethod]
        public void DefaultsAreTheProtocolsAssertionAndTheDeviceIdAsClientId()
        {
            var files = new InMemoryFileStore();
            new CredentialStore(files).Provision(TestCredentials.Create(0));

            var read = new CredentialStore(files).Load();

            Assert.IsNotNull(read);
            Assert.AreEqual((int)TokenAuthMethod.ClientAssertion, (int)read.AuthMethod);
            Assert.AreEqual(ProtocolTestVectors.DeviceId, read.EffectiveClientId);
            Assert.IsTrue(read.MqttTls);
            Assert.AreEqual(string.Empty, read.CaCertificatePem);
        }

        [TestMethod]
        public void AnInvalidCredentialIsNeverWritten()
        {
            var bad = new DeviceCredential("Not_An_Id", new byte[32], TestCredentials.TokenEndpoint, "gateway.example", 8883);
            var shortSecret = new DeviceCredential("sensor-0001", new byte[31], TestCredentials.TokenEndpoint, "gateway.example", 8883);
            var badPort = new DeviceCredential("sensor-0001", new byte[32], TestCredentials.TokenEndpoint, "gateway.example", 0);
            var files = new InMemoryFileStore();

            Assert.ThrowsException(typeof(ArgumentException), () => new CredentialStore(files).Provision(bad));
            Assert.ThrowsException(typeof(ArgumentException), () => new CredentialStore(files).Provision(shortSecret));
            Assert.ThrowsException(typeof(ArgumentException), () => new CredentialStore(files).Provision(badPort));
            Assert.AreEqual(0, files.Writes);
        }

        [TestMethod]
        public void AnEmptyStoreHasNoCredential()
        {
            var store = new CredentialStore(new InMemoryFileStore());

            Assert.IsNull(store.Load());
            Assert.AreEqual((int)RecordStatus.Missing, (int)store.StatusA);
            Assert.AreEqual((int)RecordStatus.Missing, (int)store.StatusB);
            Assert.AreEqual(-1, store.ActiveSlot);
        }

        [TestMethod]
        public void AnotherRecordKindOrVersionIsNotACredential()
        {
            var files = new InMemoryFileStore();
            var record = CredentialRecord.Encode(TestCredentials.Create(0), 1);
            files.Put(CredentialStore.SlotA, RecordFrame.Wrap(BootEpoch.Magic, 1, 1, new byte[0]));
            record[4] = 2;
            files.Put(CredentialStore.SlotB, record);
            var store = new CredentialStore(files);

            Assert.IsNull(store.Load());
            Assert.AreEqual((int)RecordStatus.WrongMagic, (int)store.StatusA);
            Assert.AreEqual((int)RecordStatus.UnsupportedVersion, (int)store.StatusB);
        }
    }
}
