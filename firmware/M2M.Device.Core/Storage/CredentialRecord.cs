using System;
using System.Text;
using M2M.Device.Core.Tokens;

namespace M2M.Device.Core.Storage
{
    /// <summary>
    /// The device credential as bytes (docs/device-credential.md section 3): a <see cref="RecordFrame"/>
    /// with magic "M2MC", version 1, whose body is ten fields in a fixed order, each a uint32 big-endian
    /// length followed by its bytes. The same code runs on the board and in the provisioning tool.
    /// </summary>
    public static class CredentialRecord
    {
        /// <summary>Magic of a credential record.</summary>
        public const string Magic = "M2MC";

        /// <summary>Format version this code writes and reads.</summary>
        public const byte Version = 1;

        private const int FieldCount = 10;

        /// <summary>Encodes a credential (which must be valid) as a framed record of the given generation.</summary>
        public static byte[] Encode(DeviceCredential credential, uint generation)
        {
            if (credential == null)
            {
                throw new ArgumentNullException(nameof(credential));
            }

            var invalid = credential.Validate();
            if (invalid != null)
            {
                throw new ArgumentException("Invalid credential field: " + invalid, nameof(credential));
            }

            var fields = new byte[FieldCount][];
            fields[0] = Encoding.UTF8.GetBytes(credential.DeviceId);
            fields[1] = credential.Secret;
            fields[2] = Encoding.UTF8.GetBytes(credential.TokenEndpoint);
            fields[3] = new byte[] { (byte)credential.AuthMethod };
            fields[4] = Encoding.UTF8.GetBytes(credential.ClientId);
            fields[5] = Encoding.UTF8.GetBytes(credential.Scope);
            fields[6] = Encoding.UTF8.GetBytes(credential.MqttHost);
            fields[7] = new byte[] { (byte)(credential.MqttPort >> 8), (byte)credential.MqttPort };
            fields[8] = new byte[] { credential.MqttTls ? (byte)1 : (byte)0 };
            fields[9] = Encoding.UTF8.GetBytes(credential.CaCertificatePem);

            var length = 0;
            for (var i = 0; i < FieldCount; i++)
            {
                length += 4 + fields[i].Length;
            }

            var body = new byte[length];
            var offset = 0;
            for (var i = 0; i < FieldCount; i++)
            {
                RecordFrame.WriteUInt32(body, offset, (uint)fields[i].Length);
                Array.Copy(fields[i], 0, body, offset + 4, fields[i].Length);
                offset += 4 + fields[i].Length;
            }

            var frame = RecordFrame.Wrap(Magic, Version, generation, body);
            Array.Clear(body, 0, body.Length);
            return frame;
        }

        /// <summary>
        /// Decodes a record: the frame status, and the credential when the frame is intact and every field
        /// obeys the rules (otherwise <see cref="RecordStatus.InvalidContent"/>). Never throws on bad input.
        /// </summary>
        public static RecordFrame Decode(byte[]? bytes, out DeviceCredential? credential)
        {
            credential = null;
            var frame = RecordFrame.Unwrap(bytes, Magic, Version);
            if (frame.Status != RecordStatus.Valid)
            {
                return frame;
            }

            var body = frame.Body!;
            var fields = new byte[FieldCount][];
            var offset = 0;
            for (var i = 0; i < FieldCount; i++)
            {
                if (body.Length - offset < 4)
                {
                    return frame.Reject();
                }

                var length = RecordFrame.ReadUInt32(body, offset);
                if (length > (uint)(body.Length - offset - 4))
                {
                    return frame.Reject();
                }

                fields[i] = new byte[length];
                Array.Copy(body, offset + 4, fields[i], 0, (int)length);
                offset += 4 + (int)length;
            }

            Array.Clear(body, 0, body.Length);
            if (offset != body.Length || fields[3].Length != 1 || fields[7].Length != 2 || fields[8].Length != 1 || fields[8][0] > 1)
            {
                return frame.Reject();
            }

            try
            {
                var decoded = new DeviceCredential(
                    Text(fields[0]),
                    fields[1],
                    Text(fields[2]),
                    Text(fields[6]),
                    (fields[7][0] << 8) | fields[7][1]);
                decoded.AuthMethod = (TokenAuthMethod)fields[3][0];
                decoded.ClientId = Text(fields[4]);
                decoded.Scope = Text(fields[5]);
                decoded.MqttTls = fields[8][0] == 1;
                decoded.CaCertificatePem = Text(fields[9]);
                if (decoded.Validate() != null)
                {
                    decoded.Clear();
                    return frame.Reject();
                }

                credential = decoded;
                return frame;
            }
            catch (Exception)
            {
                // Malformed UTF-8 in an intact frame: written by something else than this code.
                return frame.Reject();
            }
        }

        /// <summary>
        /// A UTF-8 field as text; throws on ill-formed UTF-8. .NET's decoder replaces it with U+FFFD
        /// rather than throwing (nanoFramework's may do either), so the text is encoded again and must
        /// give back the same bytes: a field that does not is not what was provisioned.
        /// </summary>
        private static string Text(byte[] bytes)
        {
            if (bytes.Length == 0)
            {
                return string.Empty;
            }

            var text = Encoding.UTF8.GetString(bytes, 0, bytes.Length);
            var again = Encoding.UTF8.GetBytes(text);
            if (again.Length != bytes.Length)
            {
                throw new ArgumentException("The field is not well-formed UTF-8.");
            }

            for (var i = 0; i < again.Length; i++)
            {
                if (again[i] != bytes[i])
                {
                    throw new ArgumentException("The field is not well-formed UTF-8.");
                }
            }

            return text;
        }
    }
}
