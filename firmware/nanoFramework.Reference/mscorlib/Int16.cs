// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/Int16.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    [Serializable]
    public struct Int16
    {
        public const short MaxValue = 0x7FFF;
        public const short MinValue = unchecked((short)0x8000);
        public override String ToString() => throw null;
        public String ToString(String format) => throw null;
        public static short Parse(string s) => throw null;
        public static bool TryParse(string s, out short result) => throw null;
    }
}
