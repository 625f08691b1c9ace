// Declarations from github.com/nanoframework/nanoFramework.TestFramework, source/TestFrameworkShared/SetupAttribute.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System;

namespace nanoFramework.TestFramework
{
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
    public class SetupAttribute : Attribute
    {
    }
}
