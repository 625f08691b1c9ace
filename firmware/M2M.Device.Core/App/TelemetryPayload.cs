using System;
using System.Text;
using M2M.Device.Core.Protocol;

namespace M2M.Device.Core.App
{
    /// <summary>
    /// Builds one telemetry payload: a flat JSON object (RFC 8259) of numbers and strings, written
    /// directly as text so that the bytes signed are exactly the bytes sent (docs/protocol.md section
    /// 6.1) and no serializer's member order is involved. Names are fixed identifiers from the code.
    /// </summary>
    public sealed class TelemetryPayload
    {
        /// <summary>The content type the payload is published with (signed, section 6.2 field 7).</summary>
        public const string ContentType = "application/json";

        private readonly StringBuilder _text = new StringBuilder(160);
        private int _fields;

        /// <summary>Starts an empty object.</summary>
        public TelemetryPayload()
        {
            _text.Append('{');
        }

        /// <summary>Number of fields written so far.</summary>
        public int FieldCount
        {
            get { return _fields; }
        }

        /// <summary>Adds an integer field.</summary>
        public void Add(string name, long value)
        {
            AppendName(name);
            _text.Append(value.ToString());
        }

        /// <summary>
        /// Adds a decimal field given as an integer and a number of decimals (2150, 2 → 21.50), which
        /// avoids floating-point formatting differences between runtimes.
        /// </summary>
        public void AddFixed(string name, long scaledValue, int decimals)
        {
            AppendName(name);
            if (scaledValue < 0)
            {
                _text.Append('-');
                scaledValue = -scaledValue;
            }

            long divisor = 1;
            for (var i = 0; i < decimals; i++)
            {
                divisor *= 10;
            }

            _text.Append((scaledValue / divisor).ToString());
            if (decimals > 0)
            {
                _text.Append('.');
                var fraction = (scaledValue % divisor).ToString();
                for (var i = fraction.Length; i < decimals; i++)
                {
                    _text.Append('0');
                }

                _text.Append(fraction);
            }
        }

        /// <summary>Adds a string field; the value is escaped as RFC 8259 section 7 requires.</summary>
        public void Add(string name, string value)
        {
            AppendName(name);
            JsonText.AppendString(_text, value);
        }

        /// <summary>Closes the object and returns its UTF-8 bytes.</summary>
        public byte[] ToBytes()
        {
            return Encoding.UTF8.GetBytes(_text.ToString() + "}");
        }

        private void AppendName(string name)
        {
            if (name == null || name.Length == 0)
            {
                throw new ArgumentException("A field needs a name.", nameof(name));
            }

            if (_fields > 0)
            {
                _text.Append(',');
            }

            _text.Append('"');
            _text.Append(name);
            _text.Append("\":");
            _fields++;
        }
    }
}
