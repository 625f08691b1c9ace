// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/Void.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    [Serializable]
    public struct Void
    {
    }
}
