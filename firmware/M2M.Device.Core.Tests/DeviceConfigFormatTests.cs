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
            config.GatewayUrl = "https://gw.example:5443";
            config.MqttHost = "gw.example";
            config.MqttPort = 8884;
            config.MqttTls = false;
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
            Assert.AreEqual("https://gw.example:5443", read!.GatewayUrl);
            Assert.AreEqual("https://gw.example:5443/oauth2/token", read.TokenEndpoint);
            Assert.AreEqual("gw.example", read.MqttHost);
            Assert.AreEqual(8884, read.MqttPort);
            Assert.IsFalse(read.MqttTls);
            Assert.AreEqual(15, read.TelemetryIntervalSeconds);
            Assert.AreEqual(64, read.OutboxCapacity);
            Assert.AreEqual(2, read.InflightWindow);
            Assert.AreEqual(30, read.KeepAliveSeconds);
            Assert.AreEqual("ntp.example", read.SntpServer);
            Assert.AreEqual(0, read.SignalScanSeconds);
        }

        [TestMethod]
        public void OmittedOptionalKeysTakeTheDefaults()
        {
            var result = DeviceConfig.Parse(Encoding.UTF8.GetBytes("# comment\r\nformat=1\r\ngateway_url=https://gw\r\nmqtt_host=gw\r\n"));

            Assert.IsNull(result.Error);
            Assert.AreEqual(8883, result.Config!.MqttPort);
            Assert.IsTrue(result.Config.MqttTls);
            Assert.AreEqual(60, result.Config.TelemetryIntervalSeconds);
            Assert.AreEqual(32, result.Config.OutboxCapacity);
        }

        [TestMethod]
        [DataRow("", "config_missing", "")]
        [DataRow("gateway_url=https://gw\nmqtt_host=gw\n", "config_malformed", "gateway_url")]
        [DataRow("format=2\ngateway_url=https://gw\nmqtt_host=gw\n", "config_unsupported_format", "format")]
        [DataRow("format=1\ngateway_url=https://gw\nmqtt_host=gw\ntelemetry_intervall_s=5\n", "config_unknown_key", "telemetry_intervall_s")]
        [DataRow("format=1\ngateway_url=https://gw\nmqtt_host=gw\noutbox_capacity=100000\n", "config_invalid_value", "outbox_capacity")]
        [DataRow("format=1\ngateway_url=https://gw\nmqtt_host=gw\nmqtt_port=-1\n", "config_invalid_value", "mqtt_port")]
        [DataRow("format=1\ngateway_url=ftp://gw\nmqtt_host=gw\n", "config_invalid_value", "gateway_url")]
        [DataRow("format=1\nmqtt_host=gw\n", "config_missing_key", "gateway_url")]
        [DataRow("format=1\ngateway_url=https://gw\nmqtt_host gw\n", "config_malformed", "")]
        public void BadFilesAreRefusedWithAStableReason(string text, string error, string key)
        {
            // "" stands for "no file" and "no key": DataRow arguments cannot be null.
            var result = DeviceConfig.Parse(text.Length == 0 ? null : Encoding.UTF8.GetBytes(text));

            Assert.IsNull(result.Config);
            Assert.AreEqual(error, result.Error);
            Assert.AreEqual(key, result.Key == null ? string.Empty : result.Key);
        }
    }
}
