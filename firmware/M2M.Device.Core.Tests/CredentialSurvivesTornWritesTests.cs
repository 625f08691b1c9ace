using System.IO;
using M2M.Device.Core.Storage;
using M2M.Device.Core.Tests.Fakes;
using nanoFramework.TestFramework;

namespace M2M.Device.Core.Tests
{
    /// <summary>
    /// A rotation cut short at any byte, in either slot, leaves the previous credential in force after
    /// the reboot; a completed rotation leaves the new one. Corruption of one slot falls back to the other.
    /// </summary>
    [TestClass]
    public class CredentialSurvivesTornWritesTests
    {
        [TestMethod]
        public void RotationWritesTheOtherSlotWithTheNextGeneration()
        {
            var files = new InMemoryFileStore();
            var store = new CredentialStore(files);
            store.Provision(TestCredentials.Create(0));
            var slotA = files.Get(CredentialStore.SlotA)!;

            Assert.AreEqual((uint)2, store.Rotate(TestCredentials.Create(1)));
            Assert.AreEqual((uint)3, store.Rotate(TestCredentials.Create(2)));

            var rebooted = new CredentialStore(files);
            var read = rebooted.Load()!;
            Assert.AreEqual((uint)3, rebooted.Generation);
            Assert.AreEqual(0, rebooted.ActiveSlot);
            Assert.AreEqual(Hex.Encode(TestCredentials.Create(2).Secret), Hex.Encode(read.Secret));
            Assert.AreNotEqual(Hex.Encode(slotA), Hex.Encode(files.Get(CredentialStore.SlotA)!));
        }

        [TestMethod]
        public void ATornWriteOfSlotBAtAnyByteKeepsTheCredentialOfSlotA()
        {
            CheckTornRotation(0);
        }

        [TestMethod]
        public void ATornWriteOfSlotAAtAnyByteKeepsTheCredentialOfSlotB()
        {
            CheckTornRotation(1);
        }

        [TestMethod]
        public void ACorruptedByteInOneSlotFallsBackToTheOther()
        {
            var files = new InMemoryFileStore();
            var store = new CredentialStore(files);
            store.Provision(TestCredentials.Create(0));
            store.Rotate(TestCredentials.Create(1));
            var good = files.Get(CredentialStore.SlotB)!;

            for (var i = 0; i < good.Length; i++)
            {
                var bad = files.Get(CredentialStore.SlotB)!;
                bad[i] ^= 0x01;
                files.Put(CredentialStore.SlotB, bad);

                var rebooted = new CredentialStore(files);
                var read = rebooted.Load()!;

                Assert.AreEqual((uint)1, rebooted.Generation, "byte " + i.ToString());
                Assert.AreEqual(Hex.Encode(TestCredentials.Create(0).Secret), Hex.Encode(read.Secret));
                Assert.AreNotEqual((int)RecordStatus.Valid, (int)rebooted.StatusB);
                files.Put(CredentialStore.SlotB, good);
            }
        }

        [TestMethod]
        public void TwoCorruptedSlotsMeanNoCredential()
        {
            var files = new InMemoryFileStore();
            new CredentialStore(files).Provision(TestCredentials.Create(0));
            var record = files.Get(CredentialStore.SlotA)!;
            record[record.Length - 1] ^= 0x80;
            files.Put(CredentialStore.SlotA, record);
            files.Put(CredentialStore.SlotB, record);
            var store = new CredentialStore(files);

            Assert.IsNull(store.Load());
            Assert.AreEqual((int)RecordStatus.BadChecksum, (int)store.StatusA);
            Assert.AreEqual((int)RecordStatus.BadChecksum, (int)store.StatusB);
        }

        // Brings the store to a state where the slot not in force is the other one than
        // activeSlot, then tears the next rotation at every byte, over nothing and over the old content.
        private static void CheckTornRotation(int activeSlot)
        {
            var setup = new InMemoryFileStore();
            var store = new CredentialStore(setup);
            store.Provision(TestCredentials.Create(0));
            store.Rotate(TestCredentials.Create(1));
            if (activeSlot == 0)
            {
                store.Rotate(TestCredentials.Create(2));
            }

            var expectedGeneration = store.Generation;
            Assert.AreEqual(activeSlot, store.ActiveSlot);
            var slotA = setup.Get(CredentialStore.SlotA)!;
            var slotB = setup.Get(CredentialStore.SlotB)!;
            var expectedSecret = Hex.Encode(new CredentialStore(setup).Load()!.Secret);
            var next = TestCredentials.Create(9);
            var length = CredentialRecord.Encode(next, expectedGeneration + 1).Length;

            for (var overOld = 0; overOld < 2; overOld++)
            {
                for (var keep = 0; keep <= length; keep++)
                {
                    var files = new InMemoryFileStore();
                    files.Put(CredentialStore.SlotA, slotA);
                    files.Put(CredentialStore.SlotB, slotB);
                    files.TearNextWrite(keep, overOld == 1);

                    Assert.ThrowsException(typeof(IOException), () => new CredentialStore(files).Rotate(next));

                    var rebooted = new CredentialStore(files);
                    var read = rebooted.Load();
                    Assert.IsNotNull(read, "keep " + keep.ToString());
                    if (keep < length)
                    {
                        Assert.AreEqual(expectedGeneration, rebooted.Generation, "keep " + keep.ToString());
                        Assert.AreEqual(activeSlot, rebooted.ActiveSlot);
                        Assert.AreEqual(expectedSecret, Hex.Encode(read.Secret));
                    }
                    else
                    {
                        // The write completed and only the return was lost: the new credential is in force.
                        Assert.AreEqual(expectedGeneration + 1, rebooted.Generation);
                        Assert.AreEqual(Hex.Encode(TestCredentials.Create(9).Secret), Hex.Encode(read.Secret));
                    }
                }
            }
        }
    }
}
