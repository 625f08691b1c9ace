// Declarations from github.com/nanoframework/System.Collections, nanoFramework.System.Collections/Collections/DictionaryEntry.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System;

namespace System.Collections
{
    [Serializable]
    public class DictionaryEntry
    {
        public Object Key;
        public Object Value;
        public DictionaryEntry(Object key, Object value) { }
    }
}
