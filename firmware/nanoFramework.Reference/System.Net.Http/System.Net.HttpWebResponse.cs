// Declarations from github.com/nanoframework/System.Net.Http, nanoFramework.System.Net.Http/Http/System.Net.HttpWebResponse.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System;
using System.IO;

namespace System.Net
{
    public class HttpWebResponse : WebResponse
    {
        public override WebHeaderCollection Headers => throw null;
        public override long ContentLength => throw null;
        public override string ContentType => throw null;
        public HttpStatusCode StatusCode => throw null;
        public string StatusDescription => throw null;
        public override Stream GetResponseStream() => throw null;
        public string GetResponseHeader(string headerName) => throw null;
        public override Uri ResponseUri { get { throw null; } }
        public string Method { get { throw null; } }
        protected override void Dispose(bool disposing) => throw null;
        public override void Close() => throw null;
    }
}
