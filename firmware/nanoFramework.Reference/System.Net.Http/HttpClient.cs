// Declarations from github.com/nanoframework/System.Net.Http, nanoFramework.System.Net.Http/Http/HttpClient.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System.IO;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace System.Net.Http
{
    public partial class HttpClient : HttpMessageInvoker
    {
        public HttpRequestHeaders DefaultRequestHeaders => throw null;
        public Uri BaseAddress { get => throw null; set => throw null; }
        public TimeSpan Timeout { get => throw null; set => throw null; }
        public X509Certificate HttpsAuthentCert { get => throw null; set => throw null; }
        public SslProtocols SslProtocols { get => throw null; set => throw null; }
        public SslVerification SslVerification { get => throw null; set => throw null; }
        public HttpClient() : base(null) { }
        public HttpResponseMessage Delete(string requestUri) => throw null;
        public HttpResponseMessage Get(string requestUri) => throw null;
        public HttpResponseMessage Get(string requestUri, HttpCompletionOption completionOption) => throw null;
        public HttpResponseMessage Patch(string requestUri, HttpContent content) => throw null;
        public HttpResponseMessage Post(string requestUri, HttpContent content) => throw null;
        public HttpResponseMessage Put(string requestUri, HttpContent content) => throw null;
        public byte[] GetByteArray(string requestUri) => throw null;
        public Stream GetStream(string requestUri) => throw null;
        public string GetString(string requestUri) => throw null;
        public override HttpResponseMessage Send(HttpRequestMessage request) => throw null;
        public HttpResponseMessage Send(HttpRequestMessage request, HttpCompletionOption completionOption) => throw null;
    }
}
