// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/ParamArrayAttribute.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    [AttributeUsage(AttributeTargets.Parameter)]
    public sealed class ParamArrayAttribute : Attribute
    {
        public ParamArrayAttribute() { }
    }
}
