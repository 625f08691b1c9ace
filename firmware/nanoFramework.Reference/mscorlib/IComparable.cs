// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/IComparable.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    public interface IComparable
    {
        int CompareTo(Object obj);
    }
}
