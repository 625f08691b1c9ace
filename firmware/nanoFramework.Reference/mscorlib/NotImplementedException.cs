// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/NotImplementedException.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    [Serializable]
    public class NotImplementedException : SystemException
    {
        public NotImplementedException() { }
        public NotImplementedException(String message) { }
        public NotImplementedException(String message, Exception innerException) { }
    }
}
