// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/Single.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    [Serializable]
    public struct Single
    {
        public override String ToString() => throw null;
        public String ToString(String format) => throw null;
    }
}
