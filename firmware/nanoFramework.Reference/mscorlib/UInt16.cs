// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/UInt16.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    [Serializable, CLSCompliant(false)]
    public struct UInt16
    {
        public const ushort MaxValue = 0xFFFF;
        public const ushort MinValue = 0;
        public override String ToString() => throw null;
        public String ToString(String format) => throw null;
        public static ushort Parse(string s) => throw null;
        public static bool TryParse(string s, out ushort result) => throw null;
    }
}
