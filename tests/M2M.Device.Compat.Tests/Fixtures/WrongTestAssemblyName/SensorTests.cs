using nanoFramework.TestFramework;

namespace Fixtures
{
    [TestClass]
    public class SensorTests
    {
        [TestMethod]
        public static void ReadsAValue()
        {
            Assert.AreEqual(1, 1);
        }
    }
}
