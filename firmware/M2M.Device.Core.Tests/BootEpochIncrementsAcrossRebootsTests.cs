using System.IO;
using M2M.Device.Core.Storage;
using M2M.Device.Core.Tests.Fakes;
using nanoFramework.TestFramework;

namespace M2M.Device.Core.Tests
{
    /// <summary>Each boot gets a higher epoch than every epoch handed out before, whatever power losses happen.</summary>
    [TestClass]
    public class BootEpochIncrementsAcrossRebootsTests
    {
        [TestMethod]
        public void EachBootGetsTheNextEpochStartingAtOne()
        {
            var files = new InMemoryFileStore();

            for (uint boot = 1; boot <= 5; boot++)
            {
                var epoch = new BootEpoch(files);
                Assert.AreEqual(boot, epoch.Next());
                Assert.AreEqual(boot, epoch.Current);
                Assert.AreEqual(boot == 1, epoch.StartedOver);
            }
        }

        [TestMethod]
        public void AnEpochWhoseWriteWasTornIsHandedOutAgainNeverALowerOne()
        {
            var setup = new InMemoryFileStore();
            new BootEpoch(setup).Next();
            new BootEpoch(setup).Next();
            var slotA = setup.Get(BootEpoch.SlotA)!;
            var slotB = setup.Get(BootEpoch.SlotB)!;
            var length = slotA.Length;

            for (var overOld = 0; overOld < 2; overOld++)
            {
                for (var keep = 0; keep <= length; keep++)
                {
                    var files = new InMemoryFileStore();
                    files.Put(BootEpoch.SlotA, slotA);
                    files.Put(BootEpoch.SlotB, slotB);
                    files.TearNextWrite(keep, overOld == 1);

                    // Epoch 3 never returned, so nothing was published under it.
                    Assert.ThrowsException(typeof(IOException), () => new BootEpoch(files).Next());

                    var next = new BootEpoch(files).Next();
                    Assert.AreEqual(keep < length ? (uint)3 : (uint)4, next, "keep " + keep.ToString());
                }
            }
        }

        [TestMethod]
        public void ACorruptedSlotFallsBackToTheOtherAndBothCorruptedStartsOver()
        {
            var files = new InMemoryFileStore();
            new BootEpoch(files).Next();
            new BootEpoch(files).Next();
            var record = files.Get(BootEpoch.SlotB)!;
            record[6] ^= 0x10;
            files.Put(BootEpoch.SlotB, record);

            var epoch = new BootEpoch(files);
            Assert.AreEqual((uint)2, epoch.Next());
            Assert.IsFalse(epoch.StartedOver);

            files.Put(BootEpoch.SlotA, record);
            files.Put(BootEpoch.SlotB, record);
            var wiped = new BootEpoch(files);
            Assert.AreEqual((uint)1, wiped.Next());
            Assert.IsTrue(wiped.StartedOver);
        }
    }
}
