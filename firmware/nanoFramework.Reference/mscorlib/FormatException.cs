// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/FormatException.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    [Serializable]
    public class FormatException : SystemException
    {
        public FormatException() { }
        public FormatException(String message) { }
        public FormatException(String message, Exception innerException) { }
    }
}
