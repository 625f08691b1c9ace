// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/Threading/ManualResetEvent.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System.Threading
{
    public sealed class ManualResetEvent : WaitHandle
    {
        public extern ManualResetEvent(bool initialState);
        public extern bool Reset();
        public extern bool Set();
    }
}
