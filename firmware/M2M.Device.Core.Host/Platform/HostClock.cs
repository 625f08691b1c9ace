using System;
using M2M.Device.Core.Platform;

namespace M2M.Device.Core.Host.Platform;

/// <summary>
/// The host's clocks from a <see cref="TimeProvider"/> (the system's by default; the simulator or a
/// test may pass another): uptime from its monotonic timestamp since this clock was created, wall
/// time from its UTC clock.
/// </summary>
public sealed class HostClock : IClock
{
    private readonly TimeProvider _time;
    private readonly long _start;

    public HostClock()
        : this(TimeProvider.System)
    {
    }

    public HostClock(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _start = time.GetTimestamp();
    }

    /// <inheritdoc />
    public long UptimeMilliseconds => (long)_time.GetElapsedTime(_start).TotalMilliseconds;

    /// <inheritdoc />
    public long UnixTimeMilliseconds => _time.GetUtcNow().ToUnixTimeMilliseconds();
}
