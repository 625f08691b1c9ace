using System;
using System.Text;

namespace M2M.Device.Core.Protocol
{
    /// <summary>
    /// Writes JSON text by hand, for the documents the device signs (client assertions, telemetry
    /// payloads): their bytes must be exactly those signed, which a serializer that goes through a
    /// Hashtable (nanoFramework.Json) cannot promise.
    /// </summary>
    public static class JsonText
    {
        /// <summary>Appends a JSON string literal (RFC 8259 section 7), escaping what must be escaped.</summary>
        public static void AppendString(StringBuilder builder, string value)
        {
            if (value == null)
            {
                throw new ArgumentNullException(nameof(value));
            }

            builder.Append('"');
            for (var i = 0; i < value.Length; i++)
            {
                var c = value[i];
                if (c == '"' || c == '\\')
                {
                    builder.Append('\\');
                    builder.Append(c);
                }
                else if (c < ' ')
                {
                    builder.Append("\\u00");
                    builder.Append(((int)c).ToString("x2"));
                }
                else
                {
                    builder.Append(c);
                }
            }

            builder.Append('"');
        }
    }
}
