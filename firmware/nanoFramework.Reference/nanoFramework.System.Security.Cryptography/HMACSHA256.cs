// Declarations from github.com/nanoframework/System.Security.Cryptography, System.Security.Cryptography/HMACSHA256.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System;

namespace System.Security.Cryptography
{
    public class HMACSHA256 : IDisposable
    {
        public byte[] Hash => throw null;
        public byte[] Key { get => throw null; set => throw null; }
        public HMACSHA256() { }
        public HMACSHA256(byte[] key) { }
        public byte[] ComputeHash(byte[] buffer) => throw null;
        public static byte[] HashData(byte[] key, byte[] source) => throw null;
        public void Dispose() => throw null;
        protected void Dispose(bool disposing) => throw null;
    }
}
