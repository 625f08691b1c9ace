// Declarations from github.com/nanoframework/System.Net.Http, nanoFramework.System.Net.Http/Http/Headers/HttpResponseHeaders.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System.Net.Http.Headers
{
    public sealed class HttpResponseHeaders : HttpHeaders
    {
        internal HttpResponseHeaders() { }
    }
}
