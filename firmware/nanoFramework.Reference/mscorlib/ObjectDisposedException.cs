// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/ObjectDisposedException.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    [Serializable]
    public class ObjectDisposedException : SystemException
    {
        public ObjectDisposedException() { }
        public ObjectDisposedException(String message) { }
        public ObjectDisposedException(String message, Exception innerException) { }
    }
}
