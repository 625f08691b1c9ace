// Declarations from github.com/nanoframework/nanoFramework.Runtime.Native, nanoFramework.Runtime.Native/Power.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace nanoFramework.Runtime.Native
{
    public delegate void RebootEventHandler();

    public class Power
    {
        public static event RebootEventHandler OnRebootEvent;
        public static void RebootDevice(RebootOption rebootOption = RebootOption.NormalReboot) => throw null;
        public static void RebootDevice(int exeConstraintTimeout, RebootOption rebootOption = RebootOption.NormalReboot) => throw null;
    }
}
