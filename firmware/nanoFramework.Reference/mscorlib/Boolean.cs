// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/Boolean.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    [Serializable]
    public struct Boolean
    {
        public static readonly string FalseString = "False";
        public static readonly string TrueString = "True";
        public override String ToString() => throw null;
    }
}
