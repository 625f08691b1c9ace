// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/Collections/IEnumerable.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System.Collections
{
    public interface IEnumerable
    {
        IEnumerator GetEnumerator();
    }
}
