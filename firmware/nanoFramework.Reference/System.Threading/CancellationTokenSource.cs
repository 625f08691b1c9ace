// Declarations from github.com/nanoframework/System.Threading, nanoFramework.System.Threading/Threading/CancellationTokenSource.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System;

namespace System.Threading
{
    public class CancellationTokenSource : IDisposable
    {
        public bool IsCancellationRequested => throw null;
        public CancellationToken Token => throw null;
        public CancellationTokenSource(Int32 millisecondsDelay) { }
        public CancellationTokenSource(TimeSpan delay) { }
        public CancellationTokenSource() { }
        public void Cancel() => throw null;
        public void Cancel(bool throwOnFirstException) => throw null;
        public void CancelAfter(TimeSpan delay) => throw null;
        public void CancelAfter(Int32 millisecondsDelay) => throw null;
        public void Dispose() => throw null;
        protected virtual void Dispose(bool disposing) => throw null;
    }
}
