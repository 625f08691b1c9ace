// Declarations from github.com/nanoframework/nanoFramework.TestFramework, source/TestFrameworkShared/TestClassAttribute.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System;

namespace nanoFramework.TestFramework
{
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
    public class TestClassAttribute : Attribute
    {
    }
}
