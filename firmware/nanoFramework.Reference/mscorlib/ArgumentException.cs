// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/ArgumentException.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
#nullable enable

namespace System
{
    [Serializable]
    public class ArgumentException : SystemException
    {
        public ArgumentException() { }
        public ArgumentException(string? message) { }
        public ArgumentException(string? message, Exception? innerException) { }
        public ArgumentException(string? message, string? paramName) { }
        public ArgumentException(string? message, string? paramName, Exception? innerException) { }
        public override string Message => throw null;
        public virtual string? ParamName => throw null;
    }
}
