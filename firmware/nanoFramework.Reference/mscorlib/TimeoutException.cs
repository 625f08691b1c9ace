// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/TimeoutException.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    [Serializable]
    public class TimeoutException : SystemException
    {
        public TimeoutException() { }
        public TimeoutException(String message) { }
        public TimeoutException(String message, Exception innerException) { }
    }
}
