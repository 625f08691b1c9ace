// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/NullReferenceException.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    [Serializable]
    public class NullReferenceException : SystemException
    {
        public NullReferenceException() { }
        public NullReferenceException(String message) { }
        public NullReferenceException(String message, Exception innerException) { }
    }
}
