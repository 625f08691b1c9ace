// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/ObsoleteAttribute.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    [Serializable]
    [AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Enum | AttributeTargets.Constructor | AttributeTargets.Method | AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Event | AttributeTargets.Interface | AttributeTargets.Delegate, Inherited = false)]
    public sealed class ObsoleteAttribute : Attribute
    {
        public ObsoleteAttribute() { }
        public ObsoleteAttribute(String message) { }
        public ObsoleteAttribute(String message, bool error) { }
        public String Message => throw null;
        public bool IsError => throw null;
    }
}
