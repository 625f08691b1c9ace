// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/AsyncCallback.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    [Serializable]
    public delegate void AsyncCallback(IAsyncResult ar);
}
