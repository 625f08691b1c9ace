// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/InvalidCastException.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    [Serializable]
    public class InvalidCastException : SystemException
    {
        public InvalidCastException() { }
        public InvalidCastException(String message) { }
        public InvalidCastException(String message, Exception innerException) { }
    }
}
