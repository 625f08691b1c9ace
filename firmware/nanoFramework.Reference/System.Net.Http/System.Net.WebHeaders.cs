// Declarations from github.com/nanoframework/System.Net.Http, nanoFramework.System.Net.Http/Http/System.Net.WebHeaders.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System;

namespace System.Net
{
    public class WebHeaderCollection
    {
        public void Add(string name, string value) => throw null;
        public void Add(string header) => throw null;
        public void Set(String name, String value) => throw null;
        public void Remove(string name) => throw null;
        public string[] GetValues(string header) => throw null;
        public override string ToString() => throw null;
        public WebHeaderCollection() { }
        public string this[string header] { get => throw null; set => throw null; }
        public int Count => throw null;
        public string[] AllKeys => throw null;
    }
}
