using System.Collections;

namespace M2M.Device.Core.Platform
{
    /// <summary>
    /// The platform's JSON library (nanoFramework.Json on the board, System.Text.Json on the host),
    /// used to read responses such as the token response (RFC 6749 section 5.1).
    /// </summary>
    public interface IJsonParser
    {
        /// <summary>
        /// The members of a JSON object: strings as string, numbers as a boxed integer type or double,
        /// true/false as bool, nested objects as Hashtable, arrays as ArrayList. Null when
        /// <paramref name="json"/> is not a JSON object. Never throws.
        /// </summary>
        Hashtable? ParseObject(string json);
    }
}
