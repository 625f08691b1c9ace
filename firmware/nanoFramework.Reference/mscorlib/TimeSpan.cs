// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/TimeSpan.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    [Serializable]
    public struct TimeSpan
    {
        public const long TicksPerMillisecond = 10000;
        public const long TicksPerSecond = TicksPerMillisecond * 1000;
        public const long TicksPerMinute = TicksPerSecond * 60;
        public const long TicksPerHour = TicksPerMinute * 60;
        public const long TicksPerDay = TicksPerHour * 24;
        public static readonly TimeSpan Zero = new TimeSpan(0);
        public static readonly TimeSpan MaxValue = new TimeSpan(Int64.MaxValue);
        public static readonly TimeSpan MinValue = new TimeSpan(Int64.MinValue);
        public TimeSpan(long ticks) { }
        public extern TimeSpan(int hours, int minutes, int seconds);
        public extern TimeSpan(int days, int hours, int minutes, int seconds);
        public extern TimeSpan(int days, int hours, int minutes, int seconds, int milliseconds);
        public long Ticks => throw null;
        public int Days => throw null;
        public int Hours => throw null;
        public int Milliseconds => throw null;
        public int Minutes => throw null;
        public int Seconds => throw null;
        public double TotalMilliseconds => throw null;
        public double TotalSeconds => throw null;
        public static TimeSpan FromTicks(long value) => throw null;
        public static TimeSpan FromMilliseconds(long value) => throw null;
        public static TimeSpan FromSeconds(long value) => throw null;
        public static TimeSpan FromMinutes(long value) => throw null;
        public static TimeSpan FromHours(long value) => throw null;
        public static TimeSpan FromDays(long value) => throw null;
        public override extern String ToString();
        public static TimeSpan operator -(TimeSpan t1, TimeSpan t2) => throw null;
        public static TimeSpan operator +(TimeSpan t1, TimeSpan t2) => throw null;
        public static bool operator ==(TimeSpan t1, TimeSpan t2) => throw null;
        public static bool operator !=(TimeSpan t1, TimeSpan t2) => throw null;
        public static bool operator <(TimeSpan t1, TimeSpan t2) => throw null;
        public static bool operator <=(TimeSpan t1, TimeSpan t2) => throw null;
        public static bool operator >(TimeSpan t1, TimeSpan t2) => throw null;
        public static bool operator >=(TimeSpan t1, TimeSpan t2) => throw null;
        public override extern bool Equals(Object value);
        public override int GetHashCode() => throw null;
    }
}
