// Declarations from github.com/nanoframework/System.Net.Http, nanoFramework.System.Net.Http/Http/System.Net.WebException.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System;

namespace System.Net
{
    public class WebException : InvalidOperationException
    {
        public WebException() { }
        public WebException(string message) { }
        public WebException(string message, Exception innerException) { }
        public WebException(string message, WebExceptionStatus status) { }
        public WebException(string message, Exception inner, WebExceptionStatus status, WebResponse response) { }
        public WebExceptionStatus Status => throw null;
        public WebResponse Response => throw null;
    }
}
