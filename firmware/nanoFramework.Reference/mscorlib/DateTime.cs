// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/DateTime.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    public enum DateTimeKind
    {
        Utc = 1,
        [Obsolete("nanoFramework doesn't support local time, so DateTimeKind.Local is provided to allow code reuse and keep consistency with full .NET framework", true)]
        Local = 2,
    }

    [Serializable]
    public struct DateTime
    {
        public static readonly DateTime MinValue;
        public static readonly DateTime MaxValue;
        public static readonly DateTime UnixEpoch;
        public DateTime(long ticks) { }
        public DateTime(long ticks, DateTimeKind kind) { }
        public DateTime(int year, int month, int day) { }
        public DateTime(int year, int month, int day, int hour, int minute, int second) { }
        public extern DateTime(int year, int month, int day, int hour, int minute, int second, int millisecond);
        public DateTime Add(TimeSpan val) => throw null;
        public DateTime AddMilliseconds(double val) => throw null;
        public DateTime AddSeconds(double val) => throw null;
        public DateTime AddTicks(long val) => throw null;
        public int Year => throw null;
        public static DateTime UtcNow => throw null;
        public long Ticks => throw null;
        public TimeSpan Subtract(DateTime val) => throw null;
        public override string ToString() => throw null;
        public string ToString(string format) => throw null;
        public static TimeSpan operator -(DateTime d1, DateTime d2) => throw null;
        public static bool operator ==(DateTime d1, DateTime d2) => throw null;
        public static bool operator !=(DateTime t1, DateTime t2) => throw null;
        public static bool operator <(DateTime t1, DateTime t2) => throw null;
        public static bool operator >(DateTime t1, DateTime t2) => throw null;
        public static DateTime FromUnixTimeSeconds(long seconds) => throw null;
        public long ToUnixTimeSeconds() => throw null;
        public override bool Equals(Object obj) => throw null;
        public override int GetHashCode() => throw null;
    }
}
