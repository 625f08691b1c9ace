// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/Attribute.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    [Serializable, AttributeUsage(AttributeTargets.All)]
    public abstract class Attribute
    {
        protected Attribute() { }
    }
}
