// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/NotSupportedException.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    [Serializable]
    public class NotSupportedException : SystemException
    {
        public NotSupportedException() { }
        public NotSupportedException(String message) { }
        public NotSupportedException(String message, Exception innerException) { }
    }
}
