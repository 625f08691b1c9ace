// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/AttributeUsageAttribute.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    [AttributeUsage(AttributeTargets.Class)]
    [Serializable]
    public sealed class AttributeUsageAttribute : Attribute
    {
        public AttributeUsageAttribute(AttributeTargets validOn) { }
        public AttributeTargets ValidOn => throw null;
        public bool AllowMultiple { get => throw null; set => throw null; }
        public bool Inherited { get => throw null; set => throw null; }
    }
}
