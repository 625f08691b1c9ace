// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/Threading/Thread.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System;

namespace System.Threading
{
    public sealed class Thread
    {
        public extern Thread(ThreadStart start);
        public extern void Start();
        public extern void Abort();
        public extern ThreadPriority Priority { get; set; }
        public extern int ManagedThreadId { get; }
        public extern bool IsAlive { get; }
        public extern void Join();
        public extern bool Join(int millisecondsTimeout);
        public extern bool Join(TimeSpan timeout);
        public static extern void Sleep(int millisecondsTimeout);
        public static void Sleep(TimeSpan timeout) => throw null;
        public static extern Thread CurrentThread { get; }
    }
}
