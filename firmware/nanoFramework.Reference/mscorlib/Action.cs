// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/Action.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    public delegate void Action();
}
