// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/String.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System.Collections;

namespace System
{
    [Serializable]
    public sealed class String : IComparable, IEnumerable
    {
        public IEnumerator GetEnumerator() => throw null;
        public static readonly String Empty = "";
        public override bool Equals(object obj) => throw null;
        public static extern bool Equals(String a, String b);
        public static extern bool operator ==(String a, String b);
        public static extern bool operator !=(String a, String b);
        [System.Runtime.CompilerServices.IndexerName("Chars")]
        public extern char this[int index] { get; }
        public extern char[] ToCharArray();
        public extern char[] ToCharArray(int startIndex, int length);
        public extern int Length { get; }
        public extern String[] Split(params char[] separator);
        public extern String[] Split(char[] separator, int count);
        public extern String Substring(int startIndex);
        public extern String Substring(int startIndex, int length);
        public extern String Trim(params char[] trimChars);
        public extern String TrimStart(params char[] trimChars);
        public extern String TrimEnd(params char[] trimChars);
        public extern String(char[] value, int startIndex, int length);
        public extern String(char[] value);
        public extern String(char c, int count);
        public static extern int Compare(String strA, String strB);
        public extern int CompareTo(Object value);
        public extern int CompareTo(String strB);
        public extern int IndexOf(char value);
        public extern int IndexOf(char value, int startIndex);
        public extern int IndexOf(char value, int startIndex, int count);
        public extern int IndexOfAny(char[] anyOf);
        public extern int IndexOfAny(char[] anyOf, int startIndex);
        public extern int IndexOfAny(char[] anyOf, int startIndex, int count);
        public extern int IndexOf(String value);
        public extern int IndexOf(String value, int startIndex);
        public extern int IndexOf(String value, int startIndex, int count);
        public extern int LastIndexOf(char value);
        public extern int LastIndexOf(char value, int startIndex);
        public extern int LastIndexOf(char value, int startIndex, int count);
        public extern int LastIndexOf(String value);
        public extern int LastIndexOf(String value, int startIndex);
        public extern int LastIndexOf(String value, int startIndex, int count);
        public extern String ToLower();
        public extern String ToUpper();
        public override String ToString() => throw null;
        public extern String Trim();
        public static String Concat(Object arg0) => throw null;
        public static String Concat(Object arg0, Object arg1) => throw null;
        public static String Concat(Object arg0, Object arg1, Object arg2) => throw null;
        public static String Concat(params Object[] args) => throw null;
        public static extern String Concat(String str0, String str1);
        public static extern String Concat(String str0, String str1, String str2);
        public static extern String Concat(String str0, String str1, String str2, String str3);
        public static extern String Concat(params String[] values);
        public static string Format(string format, params object[] args) => throw null;
        public String PadLeft(int totalWidth, char paddingChar = ' ') => throw null;
        public String PadRight(int totalWidth, char paddingChar = ' ') => throw null;
        public static bool IsNullOrEmpty(string value) => throw null;
        public bool Contains(string value) => throw null;
        public bool StartsWith(string value) => throw null;
        public bool EndsWith(string value) => throw null;
    }
}
