using System;
using System.Text;
using M2M.Device.Core.Protocol;

namespace M2M.Device.Core.Messaging
{
    /// <summary>
    /// The exact bytes a telemetry signature covers (docs/protocol.md section 6.2): a sequence of
    /// fields, each a 4-byte big-endian length followed by that many bytes, so no two different
    /// messages share an encoding. Integers are fixed-width big-endian.
    /// </summary>
    public static class SignedMessageEncoding
    {
        private const int FieldCount = 8;

        /// <summary>Encodes the fields in protocol order: label, device id, topic, epoch, sequence, timestamp, content type, payload.</summary>
        public static byte[] Encode(string deviceId, string topic, uint epoch, uint sequence, long timestampMilliseconds, string? contentType, byte[] payload)
        {
            if (deviceId == null)
            {
                throw new ArgumentNullException(nameof(deviceId));
            }

            if (topic == null)
            {
                throw new ArgumentNullException(nameof(topic));
            }

            if (payload == null)
            {
                throw new ArgumentNullException(nameof(payload));
            }

            if (timestampMilliseconds < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(timestampMilliseconds));
            }

            var label = Encoding.UTF8.GetBytes(ProtocolV1.MessageSignatureLabel);
            var id = Encoding.UTF8.GetBytes(deviceId);
            var topicBytes = Encoding.UTF8.GetBytes(topic);
            var contentTypeBytes = contentType == null ? new byte[0] : Encoding.UTF8.GetBytes(contentType);

            var total = (FieldCount * 4) + label.Length + id.Length + topicBytes.Length + 4 + 4 + 8 + contentTypeBytes.Length + payload.Length;
            var buffer = new byte[total];
            var offset = 0;
            offset = WriteField(buffer, offset, label);
            offset = WriteField(buffer, offset, id);
            offset = WriteField(buffer, offset, topicBytes);
            offset = WriteUInt32(buffer, offset, 4);
            offset = WriteUInt32(buffer, offset, epoch);
            offset = WriteUInt32(buffer, offset, 4);
            offset = WriteUInt32(buffer, offset, sequence);
            offset = WriteUInt32(buffer, offset, 8);
            offset = WriteUInt32(buffer, offset, (uint)((ulong)timestampMilliseconds >> 32));
            offset = WriteUInt32(buffer, offset, (uint)((ulong)timestampMilliseconds & 0xFFFFFFFF));
            offset = WriteField(buffer, offset, contentTypeBytes);
            WriteField(buffer, offset, payload);
            return buffer;
        }

        private static int WriteField(byte[] buffer, int offset, byte[] value)
        {
            offset = WriteUInt32(buffer, offset, (uint)value.Length);
            Array.Copy(value, 0, buffer, offset, value.Length);
            return offset + value.Length;
        }

        private static int WriteUInt32(byte[] buffer, int offset, uint value)
        {
            buffer[offset] = (byte)(value >> 24);
            buffer[offset + 1] = (byte)(value >> 16);
            buffer[offset + 2] = (byte)(value >> 8);
            buffer[offset + 3] = (byte)value;
            return offset + 4;
        }
    }
}
