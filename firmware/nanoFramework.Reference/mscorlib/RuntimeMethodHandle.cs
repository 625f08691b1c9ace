// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/RuntimeMethodHandle.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    [Serializable]
    public struct RuntimeMethodHandle
    {

    }
}
