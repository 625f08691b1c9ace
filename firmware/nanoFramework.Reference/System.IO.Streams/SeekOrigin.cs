// Declarations from github.com/nanoframework/System.IO.Streams, System.IO.Streams/SeekOrigin.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System;

namespace System.IO
{
    [Serializable]
    public enum SeekOrigin
    {
        Begin = 0,
        Current = 1,
        End = 2,
    }
}
