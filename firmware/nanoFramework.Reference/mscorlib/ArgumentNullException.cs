// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/ArgumentNullException.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
#nullable enable

namespace System
{
    [Serializable]
    public class ArgumentNullException : ArgumentException
    {
        public ArgumentNullException() { }
        public ArgumentNullException(string? paramName) { }
        public ArgumentNullException(string? message, Exception? innerException) { }
        public ArgumentNullException(string? paramName, string? message) { }
    }
}
