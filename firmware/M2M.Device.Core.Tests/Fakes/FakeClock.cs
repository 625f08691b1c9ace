using M2M.Device.Core.Platform;

namespace M2M.Device.Core.Tests.Fakes
{
    /// <summary>A clock the test moves by hand: uptime and wall clock advance together.</summary>
    public sealed class FakeClock : IClock
    {
        public FakeClock(long unixTimeMilliseconds)
        {
            UnixTimeMilliseconds = unixTimeMilliseconds;
        }

        public long UptimeMilliseconds { get; set; }

        public long UnixTimeMilliseconds { get; set; }

        public void Advance(long milliseconds)
        {
            UptimeMilliseconds += milliseconds;
            UnixTimeMilliseconds += milliseconds;
        }
    }
}
