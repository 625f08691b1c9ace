// Declarations from github.com/nanoframework/System.Text, nanoFramework.System.Text/Text/UTF8Encoding.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System;

namespace System.Text
{
    public class UTF8Encoding : Encoding
    {
        public UTF8Encoding() { }
        public override extern byte[] GetBytes(String s);
        public override extern int GetBytes(string s, int charIndex, int charCount, byte[] bytes, int byteIndex);
        public override extern char[] GetChars(byte[] bytes);
        public override extern char[] GetChars(byte[] bytes, int byteIndex, int byteCount);
        public override Decoder GetDecoder() => throw null;
    }
}
