// Declarations from github.com/nanoframework/System.IO.Streams, System.IO.Streams/Stream.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System;

namespace System.IO
{
    public abstract class Stream : MarshalByRefObject, IDisposable
    {
        public abstract bool CanRead { get; }
        public abstract bool CanSeek { get; }
        public virtual bool CanTimeout => false;
        public abstract bool CanWrite { get; }
        public abstract long Length { get; }
        public abstract long Position { get; set; }
        public virtual int ReadTimeout { get => throw null; set => throw null; }
        public virtual int WriteTimeout { get => throw null; set => throw null; }
        public virtual void Close() => throw null;
        public void CopyTo(Stream destination) => throw null;
        public void Dispose() => throw null;
        protected virtual void Dispose(bool disposing) => throw null;
        public abstract void Flush();
        public abstract long Seek(long offset, SeekOrigin origin);
        public abstract void SetLength(long value);
        public abstract int Read(SpanByte buffer);
        public abstract int Read(byte[] buffer, int offset, int count);
        public virtual int ReadByte() => throw null;
        public abstract void Write(byte[] buffer, int offset, int count);
        public virtual void WriteByte(byte value) => throw null;
    }
}
