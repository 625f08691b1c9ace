// Declarations from github.com/nanoframework/System.Collections, nanoFramework.System.Collections/Collections/IDictionary.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System.Collections
{
    public interface IDictionary : ICollection
    {
        bool IsReadOnly { get; }
        bool IsFixedSize { get; }
        ICollection Keys { get; }
        ICollection Values { get; }
        object this[object key] { get; set; }
        void Add(object key, object value);
        void Clear();
        bool Contains(object key);
        void Remove(object key);
    }
}
