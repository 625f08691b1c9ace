// Declarations from github.com/nanoframework/System.Net.Http, nanoFramework.System.Net.Http/Http/HttpMethod.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System.Net.Http
{
    public partial class HttpMethod
    {
        public static HttpMethod Get => throw null;
        public static HttpMethod Put => throw null;
        public static HttpMethod Post => throw null;
        public static HttpMethod Delete => throw null;
        public static HttpMethod Head => throw null;
        public static HttpMethod Options => throw null;
        public static HttpMethod Patch => throw null;
        public string Method => throw null;
        public HttpMethod(string method) { }
    }
}
