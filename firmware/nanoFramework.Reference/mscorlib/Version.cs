// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/Version.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    [Serializable]
    public sealed class Version
    {
        public Version(int major, int minor, int build, int revision) { }
        public Version(int major, int minor) { }
        public int Major => throw null;
        public int Minor => throw null;
        public int Revision => throw null;
        public int Build => throw null;
        public override bool Equals(Object obj) => throw null;
        public override String ToString() => throw null;
        public override int GetHashCode() => throw null;
    }
}
