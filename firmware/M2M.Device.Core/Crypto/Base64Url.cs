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
        /// base64url: a wrong alphabet, a length of 1 mod 4, or padding characters.
        /// </summary>
        public static byte[]? Decode(string? text)
        {
            if (text == null || text.Length % 4 == 1)
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
    }
}
