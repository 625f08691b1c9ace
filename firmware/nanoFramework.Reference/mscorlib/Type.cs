// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/Type.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System.Reflection;

namespace System
{
    [Serializable]
    public abstract class Type : MemberInfo
    {
        public static Type GetType(String typeName) => throw null;
        public extern static Type GetTypeFromHandle(RuntimeTypeHandle handle);
        public abstract String FullName { get; }
        public abstract Type BaseType { get; }
        public extern bool IsArray { get; }
        public abstract Type GetElementType();
        public override String ToString() => throw null;
    }
}
