// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/RuntimeFieldHandle.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    [Serializable]
    public struct RuntimeFieldHandle
    {

    }
}
