// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/SerializableAttribute.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    [AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Enum | AttributeTargets.Delegate, Inherited = false)]
    public sealed class SerializableAttribute : Attribute
    {
    }
}
