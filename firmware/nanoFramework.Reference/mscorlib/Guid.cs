// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/Guid.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    [Serializable]
    public struct Guid
    {
        public static readonly Guid Empty = new Guid(new byte[16]);
        public Guid(byte[] b) { }
        public Guid(string g) { }
        public byte[] ToByteArray() => throw null;
        public override string ToString() => throw null;
        public override bool Equals(object o) => throw null;
        public override int GetHashCode() => throw null;
        public static Guid NewGuid() => throw null;
    }
}
