// Declarations from github.com/nanoframework/System.Net.Http, nanoFramework.System.Net.Http/Http/Headers/HttpContentHeaders.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System.Net.Http.Http.Headers;

namespace System.Net.Http.Headers
{
    public sealed class HttpContentHeaders : HttpHeaders
    {
        public long ContentLength { get => throw null; set => throw null; }
        public MediaTypeHeaderValue ContentType { get => throw null; set => throw null; }
    }
}
