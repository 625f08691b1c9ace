// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/Random.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    public class Random
    {
        public extern Random();
        public extern Random(int seed);
        public virtual extern int Next();
        public virtual extern int Next(int maxValue);
        public virtual extern double NextDouble();
        public virtual extern void NextBytes(byte[] buffer);
    }
}
