// Declarations from github.com/nanoframework/System.Net.Http, nanoFramework.System.Net.Http/Http/HttpContent.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System;
using System.IO;
using System.Net.Http.Headers;

namespace System.Net.Http
{
    public abstract class HttpContent : IDisposable
    {
        public HttpContentHeaders Headers => throw null;
        protected HttpContent() { }
        public void CopyTo(Stream stream) => throw null;
        public void LoadIntoBuffer() => throw null;
        public Stream ReadAsStream() => throw null;
        public byte[] ReadAsByteArray() => throw null;
        public string ReadAsString() => throw null;
        public void Dispose() => throw null;
        protected virtual void Dispose(bool disposing) => throw null;
        protected abstract void SerializeToStream(Stream stream);
        protected virtual Stream CreateContentReadStream() => throw null;
    }
}
