namespace M2M.Device.Core.App
{
    /// <summary>
    /// When the next telemetry message is due, in uptime milliseconds. The schedule keeps a fixed
    /// cadence (due times are multiples of the interval from the first one) so that a slow
    /// collection or a blocking connect does not drift it; after a long stall it skips the missed
    /// slots rather than collecting a burst.
    /// </summary>
    public sealed class TelemetrySchedule
    {
        private readonly long _intervalMilliseconds;
        private long _nextDue;

        /// <summary>The first message is due at <paramref name="startUptime"/>.</summary>
        public TelemetrySchedule(long startUptime, int intervalSeconds)
        {
            _intervalMilliseconds = intervalSeconds * 1000L;
            _nextDue = startUptime;
        }

        /// <summary>Uptime at which the next message is due.</summary>
        public long NextDue
        {
            get { return _nextDue; }
        }

        /// <summary>True (and advances the schedule) when a message is due at <paramref name="nowUptime"/>.</summary>
        public bool TakeIfDue(long nowUptime)
        {
            if (nowUptime < _nextDue)
            {
                return false;
            }

            var missed = (nowUptime - _nextDue) / _intervalMilliseconds;
            _nextDue += (missed + 1) * _intervalMilliseconds;
            return true;
        }
    }
}
