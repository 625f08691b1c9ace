// Declarations from github.com/nanoframework/nanoFramework.Runtime.Native, nanoFramework.Runtime.Native/GC.cs (v1.7.11)
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace nanoFramework.Runtime.Native
{
    public static class GC
    {
        public static extern uint Run(bool compactHeap);
        public static extern void EnableGCMessages(bool enable);
    }
}
