// Declarations from github.com/nanoframework/System.IO.FileSystem, System.IO.FileSystem/FileStream.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System;

namespace System.IO
{
    public class FileStream : Stream
    {
        public override bool CanRead => throw null;
        public override bool CanSeek => throw null;
        public override bool CanWrite => throw null;
        public override long Length => throw null;
        public override long Position { get => throw null; set => throw null; }
        public string Name => throw null;
        public FileStream(string path, FileMode mode) { }
        public FileStream(string path, FileMode mode, FileAccess access) { }
        public FileStream(string path, FileMode mode, FileAccess access, FileShare share) { }
        public FileStream(string path, FileMode mode, FileAccess access, FileShare share, int bufferSize) { }
        public override void Close() => throw null;
        protected override void Dispose(bool disposing) => throw null;
        public override void Flush() => throw null;
        public override int Read(byte[] buffer, int offset, int count) => throw null;
        public override int Read(SpanByte buffer) => throw null;
        public override int ReadByte() => throw null;
        public override long Seek(long offset, SeekOrigin origin) => throw null;
        public override void SetLength(long value) => throw null;
        public override void Write(byte[] buffer, int offset, int count) => throw null;
        public override void WriteByte(byte value) => throw null;
    }
}
