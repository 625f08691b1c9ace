// Declarations from github.com/nanoframework/System.IO.FileSystem, System.IO.FileSystem/FileAccess.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System;

namespace System.IO
{
    [Flags]
    public enum FileAccess
    {
        Read = 1,
        Write = 2,
        ReadWrite = 3,
    }
}
