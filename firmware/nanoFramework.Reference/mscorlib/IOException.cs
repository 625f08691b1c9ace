// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/IO/IOException.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System.IO
{
    [Serializable]
    public class IOException : SystemException
    {
        public IOException() { }
        public IOException(String message) { }
        public IOException(String message, int hresult) { }
        public IOException(String message, Exception innerException) { }
    }
}
