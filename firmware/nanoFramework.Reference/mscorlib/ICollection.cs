// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/Collections/ICollection.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System;

namespace System.Collections
{
    public interface ICollection : IEnumerable
    {
        void CopyTo(Array array, int index);
        int Count { get; }
        Object SyncRoot { get; }
        bool IsSynchronized { get; }
    }
}
