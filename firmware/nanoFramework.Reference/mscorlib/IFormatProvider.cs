// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/IFormatProvider.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    public interface IFormatProvider
    {
        object GetFormat(Type formatType);
    }
}
