// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/ArgumentOutOfRangeException.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    [Serializable]
    public class ArgumentOutOfRangeException : ArgumentException
    {
        public ArgumentOutOfRangeException() { }
        public ArgumentOutOfRangeException(String paramName) { }
        public ArgumentOutOfRangeException(String paramName, String message) { }
    }
}
