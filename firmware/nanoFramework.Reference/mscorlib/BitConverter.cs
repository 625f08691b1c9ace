// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/BitConverter.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    public static class BitConverter
    {
        public static extern bool IsLittleEndian { get; }
        public static extern byte[] GetBytes(int value);
        public static extern byte[] GetBytes(long value);
        [CLSCompliant(false)]
        public static extern byte[] GetBytes(uint value);
        public static extern int ToInt32(byte[] value, int startIndex);
        public static extern long ToInt64(byte[] value, int startIndex);
        [CLSCompliant(false)]
        public static extern uint ToUInt32(byte[] value, int startIndex);
    }
}
