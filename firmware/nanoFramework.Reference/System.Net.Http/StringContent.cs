// Declarations from github.com/nanoframework/System.Net.Http, nanoFramework.System.Net.Http/Http/StringContent.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System.Text;

namespace System.Net.Http
{
    public class StringContent : ByteArrayContent
    {
        public StringContent(string content) : base(null) { }
        public StringContent(string content, Encoding encoding) : base(null) { }
        public StringContent(string content, Encoding encoding, string mediaType) : base(null) { }
    }
}
