// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/Int32.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    [Serializable]
    public struct Int32
    {
        public const int MaxValue = 0x7fffffff;
        public const int MinValue = unchecked((int)0x80000000);
        public override String ToString() => throw null;
        public String ToString(String format) => throw null;
        public static int Parse(string s) => throw null;
        public static bool TryParse(string s, out int result) => throw null;
    }
}
