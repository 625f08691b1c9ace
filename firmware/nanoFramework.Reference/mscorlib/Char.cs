// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/Char.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    [Serializable]
    public struct Char
    {
        public const char MaxValue = (char)0xFFFF;
        public const char MinValue = (char)0x00;
        public override String ToString() => throw null;
        public char ToLower() => throw null;
        public char ToUpper() => throw null;
    }
}
