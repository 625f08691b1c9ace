using System;
using M2M.Device.Core.Platform;

namespace M2M.Device.Core.Crypto
{
    /// <summary>
    /// HKDF with HMAC-SHA256 (RFC 5869). nanoFramework has HMAC but no KDF, so the derivation is
    /// built here from the platform's HMAC, exactly as RFC 5869 section 2 defines it.
    /// </summary>
    public sealed class Hkdf
    {
        private const int HashLength = 32;
        private readonly IHmacSha256 _hmac;

        /// <summary>Creates a derivation over the platform's HMAC-SHA256.</summary>
        public Hkdf(IHmacSha256 hmac)
        {
            if (hmac == null)
            {
                throw new ArgumentNullException(nameof(hmac));
            }

            _hmac = hmac;
        }

        /// <summary>
        /// HKDF-Extract then HKDF-Expand (RFC 5869 sections 2.2 and 2.3). A null or empty salt
        /// stands for HashLen zero bytes, as section 2.2 says.
        /// </summary>
        public byte[] DeriveKey(byte[] inputKeyMaterial, byte[]? salt, byte[]? info, int length)
        {
            if (inputKeyMaterial == null)
            {
                throw new ArgumentNullException(nameof(inputKeyMaterial));
            }

            if (length <= 0 || length > 255 * HashLength)
            {
                throw new ArgumentOutOfRangeException(nameof(length));
            }

            var pseudoRandomKey = _hmac.Compute(salt == null || salt.Length == 0 ? new byte[HashLength] : salt, inputKeyMaterial);
            try
            {
                return Expand(pseudoRandomKey, info ?? new byte[0], length);
            }
            finally
            {
                Array.Clear(pseudoRandomKey, 0, pseudoRandomKey.Length);
            }
        }

        private byte[] Expand(byte[] pseudoRandomKey, byte[] info, int length)
        {
            // T(0) = empty; T(i) = HMAC(PRK, T(i-1) | info | i); OKM = first L bytes of T(1) | T(2) | ...
            var output = new byte[length];
            var previous = new byte[0];
            var written = 0;
            for (var counter = 1; written < length; counter++)
            {
                var block = new byte[previous.Length + info.Length + 1];
                Array.Copy(previous, 0, block, 0, previous.Length);
                Array.Copy(info, 0, block, previous.Length, info.Length);
                block[block.Length - 1] = (byte)counter;
                Array.Clear(previous, 0, previous.Length);
                previous = _hmac.Compute(pseudoRandomKey, block);
                Array.Clear(block, 0, block.Length);
                var take = length - written < previous.Length ? length - written : previous.Length;
                Array.Copy(previous, 0, output, written, take);
                written += take;
            }

            Array.Clear(previous, 0, previous.Length);
            return output;
        }
    }
}
