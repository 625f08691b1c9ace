// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/Int64.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    [Serializable]
    public struct Int64
    {
        public const long MaxValue = 0x7fffffffffffffffL;
        public const long MinValue = unchecked((long)0x8000000000000000L);
        public override String ToString() => throw null;
        public String ToString(String format) => throw null;
        public static long Parse(string s) => throw null;
        public static bool TryParse(string s, out long result) => throw null;
    }
}
