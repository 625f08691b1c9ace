// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/Reflection/MemberInfo.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System;

namespace System.Reflection
{
    [Serializable]
    public abstract class MemberInfo
    {
        public abstract String Name { get; }
    }
}
