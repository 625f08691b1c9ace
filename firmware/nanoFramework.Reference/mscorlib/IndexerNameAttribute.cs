// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/Runtime/CompilerServices/IndexerNameAttribute.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System;

namespace System.Runtime.CompilerServices
{
    [AttributeUsage(AttributeTargets.Property)]
    [Serializable]
    public sealed class IndexerNameAttribute : Attribute
    {
        public IndexerNameAttribute(String indexerName) { }
    }
}
