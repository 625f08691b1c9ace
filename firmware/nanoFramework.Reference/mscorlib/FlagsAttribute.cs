// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/FlagsAttribute.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    [AttributeUsage(AttributeTargets.Enum)]
    [Serializable]
    public class FlagsAttribute : Attribute
    {
    }
}
