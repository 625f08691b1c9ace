// Declarations from github.com/nanoframework/System.Net.Http, nanoFramework.System.Net.Http/Http/HttpResponseMessage.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System;
using System.Net.Http.Headers;

namespace System.Net.Http
{
    public class HttpResponseMessage : IDisposable
    {
        public HttpContent Content { get => throw null; set => throw null; }
        public HttpResponseHeaders Headers => throw null;
        public bool IsSuccessStatusCode => throw null;
        public string ReasonPhrase { get => throw null; set => throw null; }
        public HttpRequestMessage RequestMessage { get => throw null; set => throw null; }
        public HttpStatusCode StatusCode => throw null;
        public HttpResponseMessage() { }
        public HttpResponseMessage(HttpStatusCode statusCode) { }
        public HttpResponseMessage EnsureSuccessStatusCode() => throw null;
        protected virtual void Dispose(bool disposing) => throw null;
        public void Dispose() => throw null;
    }
}
