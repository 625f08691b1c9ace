// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/ValueType.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    [Serializable]
    public abstract class ValueType
    {
        public override extern bool Equals(Object obj);
    }
}
