// Declarations from github.com/nanoframework/System.Text, nanoFramework.System.Text/Text/StringBuilder.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System;

namespace System.Text
{
    public sealed class StringBuilder
    {
        public StringBuilder(string value, int capacity) { }
        public StringBuilder(int capacity, int maxCapacity) { }
        public StringBuilder(int capacity) { }
        public StringBuilder(string value) { }
        public StringBuilder() { }
        public int MaxCapacity => throw null;
        public char this[int index] { get => throw null; set => throw null; }
        public int Capacity { get => throw null; set => throw null; }
        public int Length { get => throw null; set => throw null; }
        public StringBuilder Append(bool value) => throw null;
        public StringBuilder Append(byte value) => throw null;
        public StringBuilder Append(char value) => throw null;
        public StringBuilder Append(double value) => throw null;
        public StringBuilder Append(short value) => throw null;
        public StringBuilder Append(char[] value) => throw null;
        public StringBuilder Append(int value) => throw null;
        public StringBuilder Append(long value) => throw null;
        public StringBuilder Append(object value) => throw null;
        public StringBuilder Append(string value) => throw null;
        public StringBuilder Append(sbyte value) => throw null;
        public StringBuilder Append(float value) => throw null;
        public StringBuilder Append(ushort value) => throw null;
        public StringBuilder Append(uint value) => throw null;
        public StringBuilder Append(ulong value) => throw null;
        public StringBuilder Append(string value, int startIndex, int count) => throw null;
        public StringBuilder Clear() => throw null;
        public override string ToString() => throw null;
        public string ToString(int startIndex, int length) => throw null;
        public StringBuilder AppendLine(string str) => throw null;
        public StringBuilder AppendLine() => throw null;
    }
}
