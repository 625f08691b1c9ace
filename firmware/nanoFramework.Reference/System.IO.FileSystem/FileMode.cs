// Declarations from github.com/nanoframework/System.IO.FileSystem, System.IO.FileSystem/FileMode.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System.IO
{
    public enum FileMode
    {
        CreateNew = 1,
        Create = 2,
        Open = 3,
        OpenOrCreate = 4,
        Truncate = 5,
        Append = 6,
    }
}
