// Declarations from github.com/nanoframework/System.Net.Http, nanoFramework.System.Net.Http/Http/Headers/HttpRequestHeaders.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System.Net.Http.Headers
{
    public sealed class HttpRequestHeaders : HttpHeaders
    {
        public string Connection { get => throw null; set => throw null; }
        public bool ConnectionClose { get => throw null; set => throw null; }
        public bool TransferEncodingChunked { get => throw null; set => throw null; }
    }
}
