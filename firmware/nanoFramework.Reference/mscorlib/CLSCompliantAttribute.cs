// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/CLSCompliantAttribute.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    [AttributeUsage(AttributeTargets.All)]
    [Serializable]
    public sealed class CLSCompliantAttribute : Attribute
    {
        public CLSCompliantAttribute(bool isCompliant) { }
        public bool IsCompliant => throw null;
    }
}
