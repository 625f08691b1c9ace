// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/Runtime/CompilerServices/ExtensionAttribute.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System;

namespace System.Runtime.CompilerServices
{
    [AttributeUsage(AttributeTargets.Method | AttributeTargets.Class | AttributeTargets.Assembly)]
    public sealed class ExtensionAttribute : Attribute
    {
    }
}
