// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/Collections/IEnumerator.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System;

namespace System.Collections
{
    public interface IEnumerator
    {
        bool MoveNext();
        Object Current { get; }
        void Reset();
    }
}
