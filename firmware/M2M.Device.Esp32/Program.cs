using M2M.Device.Core.App;
using M2M.Device.Esp32.Platform;
using nanoFramework.Networking;

namespace M2M.Device.Esp32
{
    /// <summary>
    /// ESP32 entry point: composes the device application from the nanoFramework adapters and runs
    /// it. Everything else (startup order, back-off, telemetry) is in the core's DeviceApplication,
    /// tested on the host. Sensors are added with app.AddSource (hardware.md, "Adding a sensor").
    /// </summary>
    public static class Program
    {
        private const int SntpTimeoutMilliseconds = 10000;

        public static void Main()
        {
            var files = new NanoFileStore();
            var config = DeviceConfig.Parse(files.ReadAll(DeviceConfig.FileName)).Config;
            var clock = new NanoClock();
            var hmac = new NanoHmacSha256();
            var random = new NanoRandom();
            var link = new WifiNetworkLink();
            if (config != null && config.SntpServer.Length > 0)
            {
                Sntp.Server1 = config.SntpServer;
            }

            var status = new NanoDeviceStatus(clock, config == null ? 0 : config.SignalScanSeconds, link.StoredSsid);
            var platform = new DevicePlatform(files, clock, random, hmac, link, new SntpTimeSync(SntpTimeoutMilliseconds), status, new Esp32Connections(hmac, random));
            platform.Restart = new NanoRestart();
            new DeviceApplication(platform).Run();
        }
    }
}
