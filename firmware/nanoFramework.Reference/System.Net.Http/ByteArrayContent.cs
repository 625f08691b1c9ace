// Declarations from github.com/nanoframework/System.Net.Http, nanoFramework.System.Net.Http/Http/ByteArrayContent.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System.IO;

namespace System.Net.Http
{
    public class ByteArrayContent : HttpContent
    {
        public ByteArrayContent(byte[] content) { }
        public ByteArrayContent(byte[] content, int offset, int count) { }
        protected override void SerializeToStream(Stream stream) => throw null;
    }
}
