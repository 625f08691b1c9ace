// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/Array.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System.Collections;

namespace System
{
    [Serializable]
    public abstract class Array : ICloneable, IList
    {
        public static extern Array CreateInstance(Type elementType, int length);
        public static void Copy(Array sourceArray, Array destinationArray, int length) => throw null;
        public static extern void Copy(Array sourceArray, int sourceIndex, Array destinationArray, int destinationIndex, int length);
        public static extern void Clear(Array array, int index, int length);
        public Object GetValue(int index) => throw null;
        public extern int Length { get; }
        int ICollection.Count => throw null;
        public Object SyncRoot => throw null;
        public bool IsReadOnly => throw null;
        public bool IsFixedSize => throw null;
        public bool IsSynchronized => throw null;
        Object IList.this[int index] { get => throw null; set => throw null; }
        int IList.Add(Object value) => throw null;
        bool IList.Contains(Object value) => throw null;
        void IList.Clear() => throw null;
        int IList.IndexOf(Object value) => throw null;
        void IList.Insert(int index, Object value) => throw null;
        void IList.Remove(Object value) => throw null;
        void IList.RemoveAt(int index) => throw null;
        public Object Clone() => throw null;
        public void CopyTo(Array array, int index) => throw null;
        public IEnumerator GetEnumerator() => throw null;
        public static int IndexOf(Array array, Object value) => throw null;
        public static int IndexOf(Array array, Object value, int startIndex) => throw null;
        public static int IndexOf(Array array, Object value, int startIndex, int count) => throw null;
    }
}
