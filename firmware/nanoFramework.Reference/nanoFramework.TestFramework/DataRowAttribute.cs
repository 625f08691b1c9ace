// Declarations from github.com/nanoframework/nanoFramework.TestFramework, source/TestFrameworkShared/DataRowAttribute.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System;

namespace nanoFramework.TestFramework
{
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
    public class DataRowAttribute : Attribute
    {
        public object[] MethodParameters { get => throw null; }
        public DataRowAttribute(params object[] methodParameters) { }
    }
}
