// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/Threading/ThreadPriority.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System;

namespace System.Threading
{
    [Serializable]
    public enum ThreadPriority
    {
        Lowest = 0,
        BelowNormal = 1,
        Normal = 2,
        AboveNormal = 3,
        Highest = 4,
    }
}
