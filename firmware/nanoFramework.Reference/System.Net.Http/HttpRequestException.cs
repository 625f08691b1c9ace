// Declarations from github.com/nanoframework/System.Net.Http, nanoFramework.System.Net.Http/Http/HttpRequestException.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System;

namespace System.Net.Http
{
    public class HttpRequestException : Exception
    {
        public HttpRequestException() { }
        public HttpRequestException(string message) { }
        public HttpRequestException(string message, Exception inner) { }
    }
}
