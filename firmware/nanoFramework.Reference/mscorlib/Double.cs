// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/Double.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    [Serializable]
    public struct Double
    {
        public override String ToString() => throw null;
        public String ToString(String format) => throw null;
    }
}
