// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/Threading/WaitHandle.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System;

namespace System.Threading
{
    public abstract class WaitHandle : MarshalByRefObject
    {
        public const int WaitTimeout = 0x102;
        public virtual extern bool WaitOne(int millisecondsTimeout, bool exitContext);
        public virtual bool WaitOne() => throw null;
        public static bool WaitAll(WaitHandle[] waitHandles, int millisecondsTimeout, bool exitContext) => throw null;
        public static bool WaitAll(WaitHandle[] waitHandles) => throw null;
        public static int WaitAny(WaitHandle[] waitHandles, int millisecondsTimeout, bool exitContext) => throw null;
        public static int WaitAny(WaitHandle[] waitHandles) => throw null;
    }
}
