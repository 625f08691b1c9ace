// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/SystemException.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    [Serializable]
    public class SystemException : Exception
    {
        public SystemException() { }
        public SystemException(String message) { }
        public SystemException(String message, Exception innerException) { }
    }
}
