// Declarations from github.com/nanoframework/System.Net.Http, nanoFramework.System.Net.Http/Http/HttpMessageInvoker.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System;

namespace System.Net.Http
{
    public class HttpMessageInvoker : IDisposable
    {
        public HttpMessageInvoker(HttpMessageHandler handler) { }
        public HttpMessageInvoker(HttpMessageHandler handler, bool disposeHandler) { }
        public virtual HttpResponseMessage Send(HttpRequestMessage request) => throw null;
        public void Dispose() => throw null;
        protected virtual void Dispose(bool disposing) => throw null;
    }
}
