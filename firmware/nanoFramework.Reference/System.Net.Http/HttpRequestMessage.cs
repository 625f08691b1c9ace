// Declarations from github.com/nanoframework/System.Net.Http, nanoFramework.System.Net.Http/Http/HttpRequestMessage.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System;
using System.Net.Http.Headers;

namespace System.Net.Http
{
    public class HttpRequestMessage : IDisposable
    {
        public Version Version { get => throw null; set => throw null; }
        public HttpMethod Method { get => throw null; set => throw null; }
        public Uri RequestUri { get => throw null; set => throw null; }
        public HttpRequestHeaders Headers => throw null;
        public HttpContent Content { get => throw null; set => throw null; }
        public HttpRequestMessage() { }
        public HttpRequestMessage(HttpMethod method, string requestUri) { }
        protected virtual void Dispose(bool disposing) => throw null;
        public void Dispose() => throw null;
    }
}
