using System;
using System.Threading;
using M2M.Device.Core.Platform;
using nanoFramework.Networking;

namespace M2M.Device.Esp32.Platform
{
    /// <summary>
    /// Sets the clock with the ESP32's SNTP client (nanoFramework.Networking.Sntp). SNTP updates the
    /// clock in the background, so this waits a bounded time for the year to become plausible.
    /// </summary>
    public sealed class SntpTimeSync : ITimeSync
    {
        private const int EarliestPlausibleYear = 2024;
        private const int PollMilliseconds = 250;
        private readonly int _timeoutMilliseconds;

        public SntpTimeSync(int timeoutMilliseconds)
        {
            _timeoutMilliseconds = timeoutMilliseconds;
        }

        /// <inheritdoc />
        public bool TrySynchronize()
        {
            if (!Sntp.IsStarted)
            {
                Sntp.Start();
            }

            Sntp.UpdateNow();
            for (var waited = 0; waited < _timeoutMilliseconds; waited += PollMilliseconds)
            {
                if (DateTime.UtcNow.Year >= EarliestPlausibleYear)
                {
                    return true;
                }

                Thread.Sleep(PollMilliseconds);
            }

            return DateTime.UtcNow.Year >= EarliestPlausibleYear;
        }
    }
}
