// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/Exception.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    [Serializable]
    public class Exception
    {
        protected int HResult;
        public Exception() { }
        public Exception(String message) { }
        public Exception(String message, Exception innerException) { }
        public virtual String Message => throw null;
        public Exception InnerException => throw null;
        public virtual extern String StackTrace { get; }
        public override String ToString() => throw null;
    }
}
