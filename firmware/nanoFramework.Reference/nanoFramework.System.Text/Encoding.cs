// Declarations from github.com/nanoframework/System.Text, nanoFramework.System.Text/Text/Encoding.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System;

namespace System.Text
{
    [Serializable]
    public abstract class Encoding
    {
        public virtual byte[] GetBytes(String s) => throw null;
        public virtual int GetBytes(string s, int charIndex, int charCount, byte[] bytes, int byteIndex) => throw null;
        public virtual char[] GetChars(byte[] bytes) => throw null;
        public virtual char[] GetChars(byte[] bytes, int byteIndex, int byteCount) => throw null;
        public virtual string GetString(byte[] bytes, int index, int count) => throw null;
        public abstract Decoder GetDecoder();
        public static Encoding UTF8 => throw null;
    }
}
