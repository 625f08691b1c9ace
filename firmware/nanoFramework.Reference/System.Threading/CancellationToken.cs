// Declarations from github.com/nanoframework/System.Threading, nanoFramework.System.Threading/Threading/CancellationToken.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System;

namespace System.Threading
{
    public struct CancellationToken
    {
        public static CancellationToken None => throw null;
        public bool IsCancellationRequested => throw null;
        public bool CanBeCanceled => throw null;
        public WaitHandle WaitHandle => throw null;
        public CancellationToken(bool canceled) => throw null;
        public bool Equals(CancellationToken other) => throw null;
        public override bool Equals(Object other) => throw null;
        public override Int32 GetHashCode() => throw null;
        public void ThrowIfCancellationRequested() => throw null;
    }
}
