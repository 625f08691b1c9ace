using M2M.Device.Core.Platform;

namespace M2M.Device.Core.Tests.Fakes
{
    /// <summary>A clock the test moves by hand: uptime and wall time advance together.</summary>
    public sealed class ManualClock : IClock
    {
        public ManualClock(long unixTimeMilliseconds)
        {
            UnixTimeMilliseconds = unixTimeMilliseconds;
        }

        public long UptimeMilliseconds { get; private set; }

        public long UnixTimeMilliseconds { get; private set; }

        public void Advance(long milliseconds)
        {
            UptimeMilliseconds += milliseconds;
            UnixTimeMilliseconds += milliseconds;
        }
    }
}
