using System.Text;
using M2M.Device.Core.App;
using nanoFramework.TestFramework;

namespace M2M.Device.Core.Tests
{
    /// <summary>The configuration file (docs/device-config.md) round-trips, and bad files are refused with a stable reason.</summary>
    [TestClass]
    public class DeviceConfigFormatTests
    {
        [TestMethod]
        public void WrittenConfigurationIsReadBackUnchanged()
        {
            var config = new DeviceConfig();
            config.TelemetryIntervalSeconds = 15;
            config.OutboxCapacity = 64;
            config.InflightWindow = 2;
            config.KeepAliveSeconds = 30;
            config.SntpServer = "ntp.example";
            config.SignalScanSeconds = 0;

            var result = DeviceConfig.Parse(config.Format());

            Assert.IsNull(result.Error);
            var read = result.Config;
            Assert.IsNotNull(read);
            Assert.AreEqual(15, read!.TelemetryIntervalSeconds);
            Assert.AreEqual(64, read.OutboxCapacity);
            Assert.AreEqual(2, read.InflightWindow);
            Assert.AreEqual(30, read.KeepAliveSeconds);
            Assert.AreEqual("ntp.example", read.SntpServer);
            Assert.AreEqual(0, read.SignalScanSeconds);
        }

        [TestMethod]
        public void OmittedOptionalKeysTakeTheDefaults()
        {
            var result = DeviceConfig.Parse(Encoding.UTF8.GetBytes("# comment\r\nformat=1\r\noutbox_capacity=8\r\n"));

            Assert.IsNull(result.Error);
            Assert.AreEqual(8, result.Config!.OutboxCapacity);
            Assert.AreEqual(60, result.Config.TelemetryIntervalSeconds);
            Assert.AreEqual(4, result.Config.InflightWindow);
        }

        [TestMethod]
        public void AMissingFileGivesTheDefaultsWithANote()
        {
            var result = DeviceConfig.Parse(null);

            Assert.AreEqual(DeviceConfigResult.Missing, result.Error);
            Assert.IsNotNull(result.Config);
            Assert.AreEqual(60, result.Config!.TelemetryIntervalSeconds);
        }

        [TestMethod]
        [DataRow("outbox_capacity=4\n", "config_malformed", "outbox_capacity")]
        [DataRow("format=2\n", "config_unsupported_format", "format")]
        [DataRow("format=1\ntelemetry_intervall_s=5\n", "config_unknown_key", "telemetry_intervall_s")]
        [DataRow("format=1\noutbox_capacity=100000\n", "config_invalid_value", "outbox_capacity")]
        [DataRow("format=1\ntelemetry_interval_s=-1\n", "config_invalid_value", "telemetry_interval_s")]
        [DataRow("format=1\ninflight_window=0\n", "config_invalid_value", "inflight_window")]
        [DataRow("format=1\nkeep_alive_s 30\n", "config_malformed", "")]
        [DataRow("# only a comment\n", "config_malformed", "")]
        public void BadFilesAreRefusedWithAStableReason(string text, string error, string key)
        {
            // "" stands for "no key": DataRow arguments cannot be null.
            var result = DeviceConfig.Parse(Encoding.UTF8.GetBytes(text));

            Assert.IsNull(result.Config);
            Assert.AreEqual(error, result.Error);
            Assert.AreEqual(key, result.Key == null ? string.Empty : result.Key);
        }
    }
}
