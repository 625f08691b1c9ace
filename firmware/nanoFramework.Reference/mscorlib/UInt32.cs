// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/UInt32.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    [Serializable, CLSCompliant(false)]
    public struct UInt32
    {
        public const uint MaxValue = 0xffffffff;
        public const uint MinValue = 0U;
        public override String ToString() => throw null;
        public String ToString(String format) => throw null;
        public static uint Parse(string s) => throw null;
        public static bool TryParse(string s, out uint result) => throw null;
    }
}
