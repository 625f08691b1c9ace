// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/Diagnostics/Debug.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System.Diagnostics
{
    public static class Debug
    {
        public static void Write(string message) => throw null;
        public static void WriteLine() => throw null;
        public static void WriteLine(string message) => throw null;
    }
}
