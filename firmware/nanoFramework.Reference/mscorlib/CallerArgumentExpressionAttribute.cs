// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/Runtime/CompilerServices/CallerArgumentExpressionAttribute.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System;

namespace System.Runtime.CompilerServices
{
    [AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
    public sealed class CallerArgumentExpressionAttribute : Attribute
    {
        public CallerArgumentExpressionAttribute(string parameterName) { }
        public string ParameterName { get => throw null; }
    }
}
