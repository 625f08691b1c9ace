// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/Threading/ThreadStart.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System.Threading
{
    public delegate void ThreadStart();
}
