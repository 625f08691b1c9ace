// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/Reflection/DefaultMemberAttribute.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System;

namespace System.Reflection
{
    [AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Interface)]
    [Serializable]
    public sealed class DefaultMemberAttribute : Attribute
    {
        public DefaultMemberAttribute(String memberName) { }
        public String MemberName => throw null;
    }
}
