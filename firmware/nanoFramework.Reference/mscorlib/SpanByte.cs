// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/SpanByte.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    public readonly ref struct SpanByte
    {
        public SpanByte(byte[] array) => throw null;
        public SpanByte(byte[] array, int start, int length) => throw null;
        public byte this[int index] { get => throw null; set => throw null; }
        public static SpanByte Empty => throw null;
        public int Length => throw null;
        public bool IsEmpty => throw null;
        public void CopyTo(SpanByte destination) => throw null;
        public SpanByte Slice(int start) => throw null;
        public SpanByte Slice(int start, int length) => throw null;
        public byte[] ToArray() => throw null;
        public static implicit operator SpanByte(byte[] array) => throw null;
    }
}
