// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/IndexOutOfRangeException.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    [Serializable]
    public class IndexOutOfRangeException : SystemException
    {
        public IndexOutOfRangeException() { }
        public IndexOutOfRangeException(String message) { }
        public IndexOutOfRangeException(String message, Exception innerException) { }
    }
}
