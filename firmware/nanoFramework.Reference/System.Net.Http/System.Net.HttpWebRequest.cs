// Declarations from github.com/nanoframework/System.Net.Http, nanoFramework.System.Net.Http/Http/System.Net.HttpWebRequest.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System;
using System.IO;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace System.Net
{
    public class HttpWebRequest : WebRequest
    {
        protected override void Dispose(bool disposing) => throw null;
        public override int Timeout { get => throw null; set => throw null; }
        public X509Certificate HttpsAuthentCert { get => throw null; set => throw null; }
        public SslVerification SslVerification { get => throw null; set => throw null; }
        public SslProtocols SslProtocols { get => throw null; set => throw null; }
        public int ReadWriteTimeout { get => throw null; set => throw null; }
        public override Uri RequestUri => throw null;
        public Uri Address => throw null;
        public override long ContentLength { get => throw null; set => throw null; }
        public bool AllowAutoRedirect => throw null;
        public override string Method { get => throw null; set => throw null; }
        public bool KeepAlive { get => throw null; set => throw null; }
        public override WebHeaderCollection Headers { get => throw null; set => throw null; }
        public bool SendChunked { get => throw null; set => throw null; }
        public override String ContentType { get => throw null; set => throw null; }
        public String Accept { get => throw null; set => throw null; }
        public String UserAgent { get => throw null; set => throw null; }
        public override WebResponse GetResponse() => throw null;
        public override Stream GetRequestStream() => throw null;
    }
}
