// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/UIntPtr.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    [Serializable, CLSCompliant(false)]
    public struct UIntPtr
    {

    }
}
