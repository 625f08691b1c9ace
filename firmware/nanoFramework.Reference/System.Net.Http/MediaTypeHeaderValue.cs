// Declarations from github.com/nanoframework/System.Net.Http, nanoFramework.System.Net.Http/Http/Headers/MediaTypeHeaderValue.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System.Net.Http.Http.Headers
{
    public class MediaTypeHeaderValue
    {
        public string CharSet { get => throw null; set => throw null; }
        public string MediaType { get => throw null; set => throw null; }
        public MediaTypeHeaderValue(string mediaType) { }
        public static MediaTypeHeaderValue Parse(string input) => throw null;
        public override string ToString() => throw null;
    }
}
