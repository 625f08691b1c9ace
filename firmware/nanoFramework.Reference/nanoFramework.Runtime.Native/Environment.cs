// Declarations from github.com/nanoframework/nanoFramework.Runtime.Native, nanoFramework.Runtime.Native/System/Environment.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    public static partial class Environment
    {
        public static extern long TickCount64 { get; }
    }
}
