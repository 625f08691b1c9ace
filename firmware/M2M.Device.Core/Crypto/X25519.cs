using System;

namespace M2M.Device.Core.Crypto
{
    /// <summary>
    /// X25519 (RFC 7748 section 5) in portable C# for nanoFramework, which has no asymmetric
    /// cryptography of its own: the Montgomery ladder and field arithmetic of TweetNaCl
    /// (crypto_scalarmult_curve25519), with field elements of 16 limbs of 16 bits held in Int64.
    /// Constant time as far as the interpreter allows: no branch and no array index depends on the
    /// scalar (the ladder swaps with masks, section 5's cswap), and every call does the same number of
    /// field operations, counted in <see cref="Multiplications"/> (docs/architecture.md, "X25519 on the device", gives
    /// the cost on an ESP32).
    /// <para>
    /// All working storage is allocated once, by the constructor (11 arrays, about 1.6 KB on a 32-bit
    /// runtime); <see cref="ScalarMult"/> allocates only the 32-byte result. One instance is not safe for
    /// concurrent use.
    /// </para>
    /// </summary>
    public sealed class X25519
    {
        /// <summary>Length in bytes of scalars, u-coordinates and shared secrets (RFC 7748 section 5).</summary>
        public const int KeyLength = 32;

        /// <summary>Field multiplications (squarings included) of one <see cref="ScalarMult"/>: 255 ladder steps of 10, an inversion of 506, one more.</summary>
        public const int MultiplicationsPerScalarMult = (255 * 10) + 506 + 1;

        private readonly long[] _a = new long[16];
        private readonly long[] _b = new long[16];
        private readonly long[] _c = new long[16];
        private readonly long[] _d = new long[16];
        private readonly long[] _e = new long[16];
        private readonly long[] _f = new long[16];
        private readonly long[] _x = new long[16];
        private readonly long[] _inverse = new long[16];
        private readonly long[] _a24 = new long[16];
        private readonly long[] _product = new long[31];
        private readonly byte[] _scalar = new byte[KeyLength];

        /// <summary>Creates an instance with its working storage.</summary>
        public X25519()
        {
            // (A - 2) / 4 = 121665 for curve25519 (RFC 7748 section 5), as 16-bit limbs.
            _a24[0] = 0xDB41;
            _a24[1] = 1;
        }

        /// <summary>Field multiplications performed by this instance so far (the cost measure of docs/architecture.md, "X25519 on the device").</summary>
        public long Multiplications { get; private set; }

        /// <summary>The public key of <paramref name="privateKey"/>: X25519(k, 9) (RFC 7748 section 6.1).</summary>
        public byte[] PublicKey(byte[] privateKey)
        {
            var basePoint = new byte[KeyLength];
            basePoint[0] = 9;
            return ScalarMult(privateKey, basePoint);
        }

        /// <summary>
        /// X25519(k, u) of RFC 7748 section 5: the scalar is clamped (decodeScalar25519), the most
        /// significant bit of u is ignored (decodeUCoordinate); non-canonical u values are accepted, as
        /// the RFC requires. Returns a new 32-byte array; neither input is modified.
        /// </summary>
        public byte[] ScalarMult(byte[] scalar, byte[] u)
        {
            if (scalar == null || scalar.Length != KeyLength)
            {
                throw new ArgumentException("The scalar must be 32 bytes.", nameof(scalar));
            }

            if (u == null || u.Length != KeyLength)
            {
                throw new ArgumentException("The u-coordinate must be 32 bytes.", nameof(u));
            }

            var z = _scalar;
            Array.Copy(scalar, z, KeyLength);
            z[31] = (byte)((scalar[31] & 127) | 64);
            z[0] &= 248;
            Unpack(_x, u);
            for (var i = 0; i < 16; i++)
            {
                _b[i] = _x[i];
                _a[i] = 0;
                _c[i] = 0;
                _d[i] = 0;
            }

            _a[0] = 1;
            _d[0] = 1;

            // The Montgomery ladder of RFC 7748 section 5, from bit 254 down (bit 255 is cleared, 254 set).
            for (var i = 254; i >= 0; --i)
            {
                long bit = (z[i >> 3] >> (i & 7)) & 1;
                Select(_a, _b, bit);
                Select(_c, _d, bit);
                Add(_e, _a, _c);
                Subtract(_a, _a, _c);
                Add(_c, _b, _d);
                Subtract(_b, _b, _d);
                Multiply(_d, _e, _e);
                Multiply(_f, _a, _a);
                Multiply(_a, _c, _a);
                Multiply(_c, _b, _e);
                Add(_e, _a, _c);
                Subtract(_a, _a, _c);
                Multiply(_b, _a, _a);
                Subtract(_c, _d, _f);
                Multiply(_a, _c, _a24);
                Add(_a, _a, _d);
                Multiply(_c, _c, _a);
                Multiply(_a, _d, _f);
                Multiply(_d, _b, _x);
                Multiply(_b, _e, _e);
                Select(_a, _b, bit);
                Select(_c, _d, bit);
            }

            Invert(_inverse, _c);
            Multiply(_a, _a, _inverse);
            var result = new byte[KeyLength];
            Pack(result, _a);
            Array.Clear(z, 0, KeyLength);
            Clear();
            return result;
        }

        /// <summary>True when every byte is 0: the shared secret of a low-order point, refused by the protocol (RFC 7748 section 6.1).</summary>
        public static bool IsAllZero(byte[] value)
        {
            // Accumulated without an early exit, so the time does not depend on where a non-zero byte is.
            var acc = 0;
            for (var i = 0; i < value.Length; i++)
            {
                acc |= value[i];
            }

            return acc == 0;
        }

        private void Clear()
        {
            Array.Clear(_a, 0, 16);
            Array.Clear(_b, 0, 16);
            Array.Clear(_c, 0, 16);
            Array.Clear(_d, 0, 16);
            Array.Clear(_e, 0, 16);
            Array.Clear(_f, 0, 16);
            Array.Clear(_x, 0, 16);
            Array.Clear(_inverse, 0, 16);
            Array.Clear(_product, 0, 31);
        }

        private static void Unpack(long[] o, byte[] n)
        {
            for (var i = 0; i < 16; i++)
            {
                o[i] = n[2 * i] + ((long)n[(2 * i) + 1] << 8);
            }

            // decodeUCoordinate: the most significant bit is masked (RFC 7748 section 5).
            o[15] &= 0x7fff;
        }

        // Writes the canonical little-endian encoding: the value is fully reduced mod p = 2^255 - 19.
        private void Pack(byte[] o, long[] n)
        {
            var t = _e;
            var m = _f;
            for (var i = 0; i < 16; i++)
            {
                t[i] = n[i];
            }

            Carry(t);
            Carry(t);
            Carry(t);
            for (var j = 0; j < 2; j++)
            {
                m[0] = t[0] - 0xffed;
                for (var i = 1; i < 15; i++)
                {
                    m[i] = t[i] - 0xffff - ((m[i - 1] >> 16) & 1);
                    m[i - 1] &= 0xffff;
                }

                m[15] = t[15] - 0x7fff - ((m[14] >> 16) & 1);
                var borrow = (m[15] >> 16) & 1;
                m[14] &= 0xffff;

                // Keeps t when t - p borrowed (t < p), takes m otherwise.
                Select(t, m, 1 - borrow);
            }

            for (var i = 0; i < 16; i++)
            {
                o[2 * i] = (byte)(t[i] & 0xff);
                o[(2 * i) + 1] = (byte)((t[i] >> 8) & 0xff);
            }
        }

        // Normalises each limb to 16 bits, folding the carry out of the top limb back in as 38 = 2 * 19
        // (2^256 = 38 mod p); tweetnacl-js's form, with an arithmetic shift for the floor division.
        private static void Carry(long[] o)
        {
            long c = 1;
            for (var i = 0; i < 16; i++)
            {
                var v = o[i] + c + 65535;
                c = v >> 16;
                o[i] = v - (c * 65536);
            }

            o[0] += c - 1 + (37 * (c - 1));
        }

        // Constant-time conditional swap (RFC 7748 section 5, cswap): swaps when bit is 1.
        private static void Select(long[] p, long[] q, long bit)
        {
            var mask = ~(bit - 1);
            for (var i = 0; i < 16; i++)
            {
                var t = mask & (p[i] ^ q[i]);
                p[i] ^= t;
                q[i] ^= t;
            }
        }

        private static void Add(long[] o, long[] a, long[] b)
        {
            for (var i = 0; i < 16; i++)
            {
                o[i] = a[i] + b[i];
            }
        }

        private static void Subtract(long[] o, long[] a, long[] b)
        {
            for (var i = 0; i < 16; i++)
            {
                o[i] = a[i] - b[i];
            }
        }

        // o = a * b mod p; o may be a or b (the product is gathered in a separate array first).
        private void Multiply(long[] o, long[] a, long[] b)
        {
            Multiplications++;
            var t = _product;
            for (var i = 0; i < 31; i++)
            {
                t[i] = 0;
            }

            for (var i = 0; i < 16; i++)
            {
                var ai = a[i];
                for (var j = 0; j < 16; j++)
                {
                    t[i + j] += ai * b[j];
                }
            }

            // 2^256 = 38 mod p: the upper 15 limbs fold onto the lower ones.
            for (var i = 0; i < 15; i++)
            {
                t[i] += 38 * t[i + 16];
            }

            for (var i = 0; i < 16; i++)
            {
                o[i] = t[i];
            }

            Carry(o);
            Carry(o);
        }

        // o = i^(p-2) = i^-1 mod p (Fermat), by TweetNaCl's fixed chain: 254 squarings and 252 multiplications.
        private void Invert(long[] o, long[] i)
        {
            var c = o;
            for (var k = 0; k < 16; k++)
            {
                c[k] = i[k];
            }

            for (var a = 253; a >= 0; a--)
            {
                Multiply(c, c, c);
                if (a != 2 && a != 4)
                {
                    Multiply(c, c, i);
                }
            }
        }
    }
}
