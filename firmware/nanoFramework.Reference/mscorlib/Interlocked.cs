// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/Threading/Interlocked.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System.Threading
{
    public static class Interlocked
    {
        public static extern int Increment(ref int location);
        public static extern int Decrement(ref int location);
        public static extern int Exchange(ref int location1, int value);
        public static extern int CompareExchange(ref int location1, int value, int comparand);
    }
}
