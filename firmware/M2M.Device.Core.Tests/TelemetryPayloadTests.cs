using System.Text;
using M2M.Device.Core.App;
using nanoFramework.TestFramework;

namespace M2M.Device.Core.Tests
{
    /// <summary>Telemetry payloads are exact JSON text, and the schedule keeps its cadence.</summary>
    [TestClass]
    public class TelemetryPayloadTests
    {
        [TestMethod]
        public void WritesAFlatJsonObjectWithFixedPointAndEscapedStrings()
        {
            var payload = new TelemetryPayload();
            payload.Add("uptime_s", 42);
            payload.AddFixed("temp_c", 2105, 2);
            payload.AddFixed("delta", -7, 2);
            payload.Add("name", "a\"b\\c\n");

            Assert.AreEqual(
                "{\"uptime_s\":42,\"temp_c\":21.05,\"delta\":-0.07,\"name\":\"a\\\"b\\\\c\\u000a\"}",
                Encoding.UTF8.GetString(payload.ToBytes(), 0, payload.ToBytes().Length));
            Assert.AreEqual(4, payload.FieldCount);
        }

        [TestMethod]
        public void ScheduleKeepsItsCadenceAndSkipsMissedSlots()
        {
            var schedule = new TelemetrySchedule(1000, 10);

            Assert.IsFalse(schedule.TakeIfDue(999));
            Assert.IsTrue(schedule.TakeIfDue(1500));
            Assert.AreEqual(11000L, schedule.NextDue);
            Assert.IsFalse(schedule.TakeIfDue(10999));

            // A 35 s stall: one message, then back on the 10 s grid.
            Assert.IsTrue(schedule.TakeIfDue(46000));
            Assert.AreEqual(51000L, schedule.NextDue);
            Assert.IsFalse(schedule.TakeIfDue(50000));
        }
    }
}
