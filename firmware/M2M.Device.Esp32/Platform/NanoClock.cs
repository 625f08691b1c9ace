using System;
using M2M.Device.Core.Platform;

namespace M2M.Device.Esp32.Platform
{
    /// <summary>
    /// The board's clocks: uptime from <c>Environment.TickCount64</c> (nanoFramework.Runtime.Native;
    /// CoreLibrary itself has no Environment), wall time from <c>DateTime.UtcNow</c>, which reads 1970
    /// until SNTP or <c>Rtc.SetSystemTime</c> sets it.
    /// </summary>
    public sealed class NanoClock : IClock
    {
        private const long TicksPerMillisecond = 10000;

        /// <inheritdoc />
        public long UptimeMilliseconds
        {
            get { return Environment.TickCount64; }
        }

        /// <inheritdoc />
        public long UnixTimeMilliseconds
        {
            get { return (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / TicksPerMillisecond; }
        }
    }
}
