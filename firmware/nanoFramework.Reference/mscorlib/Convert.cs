// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/Convert.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    public enum Base64FormattingOptions
    {
        None = 0,
        InsertLineBreaks = 1,
    }

    public static class Convert
    {
        public static int ToInt32(string value, int fromBase = 10) => throw null;
        public static long ToInt64(string value, int fromBase = 10) => throw null;
        public static uint ToUInt32(string value, int fromBase = 10) => throw null;
        public static string ToBase64String(byte[] inArray) => throw null;
        public static String ToBase64String(byte[] inArray, Base64FormattingOptions options) => throw null;
        public static String ToBase64String(byte[] inArray, int offset, int length) => throw null;
        public static string ToBase64String(byte[] inArray, int offset, int length, Base64FormattingOptions options) => throw null;
        public extern static byte[] FromBase64String(string inString);
        public static byte[] FromBase64CharArray(char[] inArray, int offset, int length) => throw null;
    }
}
