// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/ICloneable.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    public interface ICloneable
    {
        Object Clone();
    }
}
