using System;

namespace M2M.Device.Core.Crypto
{
    /// <summary>
    /// base64url without padding (RFC 4648 section 5, as JWS requires in RFC 7515 section 2),
    /// built on Convert.ToBase64String, which both nanoFramework and .NET have.
    /// </summary>
    public static class Base64Url
    {
        /// <summary>Encodes <paramref name="data"/> as unpadded base64url.</summary>
        public static string Encode(byte[] data)
        {
            if (data == null)
            {
                throw new ArgumentNullException(nameof(data));
            }

            if (data.Length == 0)
            {
                return string.Empty;
            }

            var standard = Convert.ToBase64String(data);
            var end = standard.Length;
            while (end > 0 && standard[end - 1] == '=')
            {
                end--;
            }

            var chars = new char[end];
            for (var i = 0; i < end; i++)
            {
                var c = standard[i];
                chars[i] = c == '+' ? '-' : c == '/' ? '_' : c;
            }

            return new string(chars);
        }

        /// <summary>
        /// Decodes unpadded base64url. Returns null (never throws) when the text is not canonical
        /// base64url: a wrong alphabet, a length of 1 mod 4, padding characters, or a last character
        /// whose bits beyond the data are not zero (RFC 4648 section 3.5), so one byte string has
        /// exactly one accepted text.
        /// </summary>
        public static byte[]? Decode(string? text)
        {
            if (text == null || text.Length % 4 == 1 || !UnusedBitsAreZero(text))
            {
                return null;
            }

            var padded = new char[text.Length + ((4 - (text.Length % 4)) % 4)];
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (c == '-')
                {
                    c = '+';
                }
                else if (c == '_')
                {
                    c = '/';
                }
                else if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
                {
                    return null;
                }

                padded[i] = c;
            }

            for (var i = text.Length; i < padded.Length; i++)
            {
                padded[i] = '=';
            }

            try
            {
                return Convert.FromBase64String(new string(padded));
            }
            catch (FormatException)
            {
                return null;
            }
        }

        /// <summary>
        /// The last character of a text of length 2 or 3 mod 4 carries 4 or 2 bits that are not
        /// data; canonical text has them zero. Characters outside the alphabet are left to the caller.
        /// </summary>
        private static bool UnusedBitsAreZero(string text)
        {
            var unusedMask = text.Length % 4 == 2 ? 0x0F : text.Length % 4 == 3 ? 0x03 : 0;
            if (unusedMask == 0)
            {
                return true;
            }

            var c = text[text.Length - 1];
            var value = c >= 'A' && c <= 'Z' ? c - 'A'
                : c >= 'a' && c <= 'z' ? c - 'a' + 26
                : c >= '0' && c <= '9' ? c - '0' + 52
                : c == '-' ? 62
                : c == '_' ? 63
                : 0;
            return (value & unusedMask) == 0;
        }
    }
}
