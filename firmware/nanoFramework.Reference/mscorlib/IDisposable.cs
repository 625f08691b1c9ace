// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/IDisposable.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    public interface IDisposable
    {
        void Dispose();
    }
}
