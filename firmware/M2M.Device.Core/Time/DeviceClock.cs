using M2M.Device.Core.Platform;

namespace M2M.Device.Core.Time
{
    /// <summary>
    /// The device's notion of UTC (docs/protocol.md section 3.4). SNTP sets the platform clock; when
    /// SNTP is unavailable the token client corrects the time from the token endpoint's HTTP
    /// <c>Date</c> header (RFC 9110 section 6.6.1). The correction is kept as an offset from the
    /// monotonic uptime, so a later platform clock jump does not move it.
    /// </summary>
    public sealed class DeviceClock
    {
        // Any platform time before 2024-01-01 means the clock was never set (the ESP32 boots at 1970).
        private const long EarliestPlausibleUnixMilliseconds = 1704067200000;

        private readonly IClock _clock;
        private bool _corrected;
        private long _offset;

        public DeviceClock(IClock clock)
        {
            _clock = clock;
        }

        /// <summary>The platform clock underneath (uptime for scheduling).</summary>
        public IClock Platform
        {
            get { return _clock; }
        }

        /// <summary>Milliseconds since boot, for scheduling.</summary>
        public long UptimeMilliseconds
        {
            get { return _clock.UptimeMilliseconds; }
        }

        /// <summary>True when the time is trustworthy: the platform clock was set, or a correction was applied.</summary>
        public bool IsSynchronized
        {
            get { return _corrected || _clock.UnixTimeMilliseconds >= EarliestPlausibleUnixMilliseconds; }
        }

        /// <summary>UTC now as Unix milliseconds: the corrected time if a correction was applied, else the platform's.</summary>
        public long UnixTimeMilliseconds
        {
            get { return _corrected ? _clock.UptimeMilliseconds + _offset : _clock.UnixTimeMilliseconds; }
        }

        /// <summary>UTC now as Unix seconds.</summary>
        public long UnixTimeSeconds
        {
            get { return UnixTimeMilliseconds / 1000; }
        }

        /// <summary>Sets the time from a trusted source (a server's Date header), from now on.</summary>
        public void Correct(long unixTimeMilliseconds)
        {
            _offset = unixTimeMilliseconds - _clock.UptimeMilliseconds;
            _corrected = true;
        }
    }
}
