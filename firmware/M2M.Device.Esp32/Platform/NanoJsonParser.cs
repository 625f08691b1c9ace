using System;
using System.Collections;
using M2M.Device.Core.Platform;
using nanoFramework.Json;

namespace M2M.Device.Esp32.Platform
{
    /// <summary>JSON objects read with nanoFramework.Json into a Hashtable (nested Hashtable/ArrayList).</summary>
    public sealed class NanoJsonParser : IJsonParser
    {
        /// <inheritdoc />
        public Hashtable? ParseObject(string json)
        {
            if (json == null || json.Length == 0 || json.Trim()[0] != '{')
            {
                return null;
            }

            try
            {
                return JsonConvert.DeserializeObject(json, typeof(Hashtable)) as Hashtable;
            }
            catch (Exception)
            {
                // DeserializationException and anything the parser throws on malformed input.
                return null;
            }
        }
    }
}
