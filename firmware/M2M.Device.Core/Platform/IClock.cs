namespace M2M.Device.Core.Platform
{
    /// <summary>
    /// The platform's two clocks. The device core never reads <c>DateTime.UtcNow</c> or
    /// <c>Environment.TickCount</c> itself, so tests drive time and the simulator can run many
    /// devices on one machine.
    /// </summary>
    public interface IClock
    {
        /// <summary>Milliseconds since boot. Monotonic: never goes back, not changed by clock corrections.</summary>
        long UptimeMilliseconds { get; }

        /// <summary>
        /// The platform's UTC wall clock as Unix milliseconds. On a board it is wrong (the year 1970 or
        /// 2000-ish) until SNTP has set it; <see cref="Time.DeviceClock"/> corrects it.
        /// </summary>
        long UnixTimeMilliseconds { get; }
    }
}
