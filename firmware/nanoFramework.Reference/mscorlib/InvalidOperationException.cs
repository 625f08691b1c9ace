// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/InvalidOperationException.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    [Serializable]
    public class InvalidOperationException : SystemException
    {
        public InvalidOperationException() { }
        public InvalidOperationException(String message) { }
        public InvalidOperationException(String message, Exception innerException) { }
    }
}
