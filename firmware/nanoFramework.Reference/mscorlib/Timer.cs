// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/Threading/Timer.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System;

namespace System.Threading
{
    public delegate void TimerCallback(Object state);

    public sealed class Timer : MarshalByRefObject, IDisposable
    {
        public extern Timer(TimerCallback callback, Object state, int dueTime, int period);
        public extern Timer(TimerCallback callback, Object state, TimeSpan dueTime, TimeSpan period);
        public extern bool Change(int dueTime, int period);
        public extern bool Change(TimeSpan dueTime, TimeSpan period);
        public extern void Dispose();
    }
}
