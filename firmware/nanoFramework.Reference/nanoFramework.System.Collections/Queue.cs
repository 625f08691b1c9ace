// Declarations from github.com/nanoframework/System.Collections, nanoFramework.System.Collections/Collections/Queue.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System;

namespace System.Collections
{
    [Serializable]
    public class Queue : ICollection, ICloneable
    {
        public Queue() { }
        public virtual int Count => throw null;
        public virtual Object Clone() => throw null;
        public virtual bool IsSynchronized => throw null;
        public virtual Object SyncRoot => throw null;
        public virtual extern void Clear();
        public virtual extern void CopyTo(Array array, int index);
        public virtual extern void Enqueue(Object obj);
        public virtual IEnumerator GetEnumerator() => throw null;
        public virtual extern Object Dequeue();
        public virtual extern Object Peek();
        public virtual bool Contains(Object obj) => throw null;
        public virtual Object[] ToArray() => throw null;
    }
}
