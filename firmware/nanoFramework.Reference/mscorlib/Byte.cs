// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/Byte.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    [Serializable]
    public struct Byte
    {
        public const byte MaxValue = 0xFF;
        public const byte MinValue = 0;
        public override String ToString() => throw null;
        public String ToString(String format) => throw null;
        public static byte Parse(string s) => throw null;
        public static bool TryParse(string s, out byte result) => throw null;
    }
}
