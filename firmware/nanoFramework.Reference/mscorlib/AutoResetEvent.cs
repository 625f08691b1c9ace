// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/Threading/AutoResetEvent.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System.Threading
{
    public sealed class AutoResetEvent : WaitHandle
    {
        public extern AutoResetEvent(bool initialState);
        public extern bool Reset();
        public extern bool Set();
    }
}
