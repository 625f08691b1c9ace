// Declarations from github.com/nanoframework/System.Net.Http, nanoFramework.System.Net.Http/Http/System.Uri.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    public enum UriKind
    {
        RelativeOrAbsolute = 0,
        Absolute = 1,
        Relative = 2,
    }

    public class Uri
    {
        public const string UriSchemeHttp = "http";
        public const string UriSchemeHttps = "https";
        public const int HttpDefaultPort = 80;
        public const int HttpsDefaultPort = 443;
        public int Port => throw null;
        public bool IsAbsoluteUri => throw null;
        public string AbsolutePath => throw null;
        public string AbsoluteUri => throw null;
        public string Query => throw null;
        public string Scheme => throw null;
        public string Host => throw null;
        public Uri(string uriString) { }
        public Uri(string uriString, UriKind kind) { }
    }
}
