// Declarations from github.com/nanoframework/nanoFramework.Runtime.Native, nanoFramework.Runtime.Native/RebootOption.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace nanoFramework.Runtime.Native
{
    public enum RebootOption
    {
        NormalReboot = 0,
        EnterNanoBooter = 1,
        ClrOnly = 2,
        EnterProprietaryBooter = 8,
    }
}
