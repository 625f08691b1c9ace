// Declarations from github.com/nanoframework/System.IO.FileSystem, System.IO.FileSystem/File.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System.IO
{
    public static class File
    {
        public static FileStream Create(string path) => throw null;
        public static void Delete(string path) => throw null;
        public static bool Exists(string path) => throw null;
        public static void Move(string sourceFileName, string destFileName) => throw null;
        public static FileStream OpenRead(string path) => throw null;
        public static FileStream OpenWrite(string path) => throw null;
        public static byte[] ReadAllBytes(string path) => throw null;
        public static string ReadAllText(string path) => throw null;
        public static void WriteAllBytes(string path, byte[] bytes) => throw null;
    }
}
