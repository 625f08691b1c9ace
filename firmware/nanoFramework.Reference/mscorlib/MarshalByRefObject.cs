// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/MarshalByRefObject.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    [Serializable]
    public abstract class MarshalByRefObject
    {
    }
}
