// Declarations from github.com/nanoframework/System.Net.Http, nanoFramework.System.Net.Http/Http/System.Net.WebRequest.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System;
using System.IO;

namespace System.Net
{
    public abstract class WebRequest : MarshalByRefObject, IDisposable
    {
        protected WebRequest() { }
        public void Dispose() => throw null;
        protected virtual void Dispose(bool disposing) => throw null;
        public virtual string Method { get => throw null; set => throw null; }
        public virtual Uri RequestUri => throw null;
        public virtual WebHeaderCollection Headers { get => throw null; set => throw null; }
        public virtual long ContentLength { get => throw null; set => throw null; }
        public virtual string ContentType { get => throw null; set => throw null; }
        public virtual int Timeout { get => throw null; set => throw null; }
        public virtual Stream GetRequestStream() => throw null;
        public virtual WebResponse GetResponse() => throw null;
        public static WebRequest Create(string requestUriString) => throw null;
        public static WebRequest Create(Uri requestUri) => throw null;
    }
}
