using System;
using System.Text;
using M2M.Device.Core.Storage;

namespace M2M.Device.Core.Commands
{
    /// <summary>
    /// The length-prefixed fields of commands and command results (docs/protocol.md section 11.2): each
    /// field is its length in bytes (unsigned 32-bit big-endian) followed by its bytes, integers in
    /// fixed-width big-endian, as the telemetry encoding of section 6.2. Reading never throws: a
    /// field that runs past the end makes <see cref="Failed"/> true.
    /// </summary>
    public sealed class FieldCodec
    {
        private readonly byte[] _buffer;
        private readonly int _end;
        private int _offset;

        /// <summary>A reader over <paramref name="buffer"/>[0, <paramref name="length"/>).</summary>
        public FieldCodec(byte[] buffer, int length)
        {
            _buffer = buffer;
            _end = length;
        }

        /// <summary>True once a field did not fit or had the wrong fixed size.</summary>
        public bool Failed { get; private set; }

        /// <summary>True when every byte was read and nothing failed.</summary>
        public bool Complete
        {
            get { return !Failed && _offset == _end; }
        }

        /// <summary>Reads one field; null (and <see cref="Failed"/>) when it does not fit.</summary>
        public byte[]? ReadField()
        {
            if (Failed || _end - _offset < 4)
            {
                Failed = true;
                return null;
            }

            var length = RecordFrame.ReadUInt32(_buffer, _offset);
            if (length > (uint)(_end - _offset - 4))
            {
                Failed = true;
                return null;
            }

            var field = new byte[(int)length];
            Array.Copy(_buffer, _offset + 4, field, 0, field.Length);
            _offset += 4 + field.Length;
            return field;
        }

        /// <summary>Reads a field as UTF-8 text; null on failure or invalid UTF-8.</summary>
        public string? ReadText()
        {
            var field = ReadField();
            if (field == null)
            {
                return null;
            }

            try
            {
                return Encoding.UTF8.GetString(field, 0, field.Length);
            }
            catch (Exception)
            {
                Failed = true;
                return null;
            }
        }

        /// <summary>Reads a 4-byte field as an unsigned big-endian integer (0 on failure).</summary>
        public uint ReadUInt32()
        {
            var field = ReadField();
            if (field == null || field.Length != 4)
            {
                Failed = true;
                return 0;
            }

            return RecordFrame.ReadUInt32(field, 0);
        }

        /// <summary>Reads an 8-byte field as a signed big-endian integer (0 on failure).</summary>
        public long ReadInt64()
        {
            var field = ReadField();
            if (field == null || field.Length != 8)
            {
                Failed = true;
                return 0;
            }

            return (long)(((ulong)RecordFrame.ReadUInt32(field, 0) << 32) | RecordFrame.ReadUInt32(field, 4));
        }

        /// <summary>The encoded length of a field of <paramref name="length"/> bytes.</summary>
        public static int FieldLength(int length)
        {
            return 4 + length;
        }

        /// <summary>Writes one field at <paramref name="offset"/>; returns the offset after it.</summary>
        public static int WriteField(byte[] buffer, int offset, byte[] value)
        {
            RecordFrame.WriteUInt32(buffer, offset, (uint)value.Length);
            Array.Copy(value, 0, buffer, offset + 4, value.Length);
            return offset + 4 + value.Length;
        }

        /// <summary>Writes a 4-byte unsigned field (length 4, then the value).</summary>
        public static int WriteUInt32Field(byte[] buffer, int offset, uint value)
        {
            RecordFrame.WriteUInt32(buffer, offset, 4);
            RecordFrame.WriteUInt32(buffer, offset + 4, value);
            return offset + 8;
        }

        /// <summary>Writes an 8-byte signed field (length 8, then the value).</summary>
        public static int WriteInt64Field(byte[] buffer, int offset, long value)
        {
            RecordFrame.WriteUInt32(buffer, offset, 8);
            RecordFrame.WriteUInt32(buffer, offset + 4, (uint)((ulong)value >> 32));
            RecordFrame.WriteUInt32(buffer, offset + 8, (uint)((ulong)value & 0xFFFFFFFF));
            return offset + 12;
        }
    }
}
