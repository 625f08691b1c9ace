// Declarations from github.com/nanoframework/System.Net.Http, nanoFramework.System.Net.Http/Http/Headers/HttpHeaders.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System.Net.Http.Headers
{
    // Add is the only public member: nanoFramework gives no public way to read a header back.
    public abstract class HttpHeaders
    {
        protected HttpHeaders() { }
        public void Add(string name, string value) => throw null;
    }
}
