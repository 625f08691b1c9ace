// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/Enum.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    [Serializable]
    public abstract class Enum : ValueType
    {
        public extern bool HasFlag(Enum flag);
        public override String ToString() => throw null;
    }
}
