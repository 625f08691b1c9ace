using System.Diagnostics;
using System.Threading;

namespace M2M.Device.Esp32
{
    /// <summary>
    /// ESP32 application entry point. Skeleton: the application (configuration, Wi-Fi, clock,
    /// token, MQTT session, telemetry) is composed here from the device core and the adapters in
    /// Platform/ as the firmware issue lands; see hardware.md.
    /// </summary>
    public static class Program
    {
        public static void Main()
        {
            Debug.WriteLine("M2M.Device ESP32 firmware starting");
            Thread.Sleep(Timeout.Infinite);
        }
    }
}
