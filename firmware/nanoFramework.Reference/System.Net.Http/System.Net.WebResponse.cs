// Declarations from github.com/nanoframework/System.Net.Http, nanoFramework.System.Net.Http/Http/System.Net.WebResponse.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System;
using System.IO;

namespace System.Net
{
    public abstract class WebResponse : MarshalByRefObject, IDisposable
    {
        protected WebResponse() { }
        public virtual long ContentLength { get => throw null; set => throw null; }
        public virtual string ContentType { get => throw null; set => throw null; }
        public virtual Stream GetResponseStream() => throw null;
        public virtual Uri ResponseUri => throw null;
        public virtual WebHeaderCollection Headers => throw null;
        public virtual void Close() => throw null;
        public void Dispose() => throw null;
        protected virtual void Dispose(bool disposing) => throw null;
    }
}
