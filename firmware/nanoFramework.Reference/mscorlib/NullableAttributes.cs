// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/Diagnostics/CodeAnalysis/NullableAttributes.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System;

namespace System.Diagnostics.CodeAnalysis
{
    [AttributeUsage(AttributeTargets.Field | AttributeTargets.Parameter | AttributeTargets.Property | AttributeTargets.ReturnValue, Inherited = false)]
    public sealed class NotNullAttribute : Attribute
    {
    }

    [AttributeUsage(AttributeTargets.Parameter, Inherited = false)]
    public sealed class NotNullWhenAttribute : Attribute
    {
        public NotNullWhenAttribute(bool returnValue) { }
        public bool ReturnValue { get => throw null; }
    }
}
