// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/UInt64.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    [Serializable, CLSCompliant(false)]
    public struct UInt64
    {
        public const ulong MaxValue = 0xffffffffffffffffL;
        public const ulong MinValue = 0x0;
        public override String ToString() => throw null;
        public String ToString(String format) => throw null;
        public static ulong Parse(string s) => throw null;
        public static bool TryParse(string s, out ulong result) => throw null;
    }
}
