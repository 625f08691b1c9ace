// Declarations from github.com/nanoframework/System.Collections, nanoFramework.System.Collections/Collections/Hashtable.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System;

namespace System.Collections
{
    [Serializable]
    public class Hashtable : ICloneable, IDictionary
    {
        public Hashtable() { }
        public Hashtable(int capacity) { }
        public Hashtable(int capacity, float loadFactor) { }
        public object Clone() => throw null;
        public IEnumerator GetEnumerator() => throw null;
        public int Count => throw null;
        public bool IsSynchronized => false;
        public object SyncRoot => throw null;
        public void CopyTo(Array array, int arrayIndex) => throw null;
        public bool IsReadOnly => false;
        public bool IsFixedSize => false;
        public ICollection Keys => throw null;
        public ICollection Values => throw null;
        public object this[object key] { get => throw null; set => throw null; }
        public void Add(object key, object value) => throw null;
        public extern void Clear();
        public bool Contains(object key) => throw null;
        public void Remove(object key) => throw null;
    }
}
