using System;
using System.Text;
using M2M.Device.Core.Platform;
using M2M.Device.Core.Protocol;

namespace M2M.Device.Core.Commands
{
    /// <summary>
    /// The bytes of commands and results (docs/protocol.md sections 11.2 and 11.3): a length-prefixed
    /// encoding followed by its 32-byte HMAC-SHA256 under K_cmd. A command is verified before any of
    /// its fields is interpreted; anything that does not verify, or verifies but breaks the layout,
    /// is ignored (it cannot be answered without letting anyone make the device sign on demand).
    /// </summary>
    public sealed class CommandCodec
    {
        /// <summary>Largest command payload the device reads; a larger one is ignored.</summary>
        public const int MaxCommandBytes = 2048;

        private const int MacLength = 32;

        private readonly string _deviceId;
        private readonly byte[] _commandKey;
        private readonly IHmacSha256 _hmac;

        public CommandCodec(string deviceId, byte[] commandKey, IHmacSha256 hmac)
        {
            _deviceId = deviceId ?? throw new ArgumentNullException(nameof(deviceId));
            _commandKey = commandKey ?? throw new ArgumentNullException(nameof(commandKey));
            _hmac = hmac ?? throw new ArgumentNullException(nameof(hmac));
        }

        /// <summary>The command in <paramref name="payload"/>, or null when it is not authentic or not well formed. Never throws.</summary>
        public Command? Decode(byte[]? payload)
        {
            if (payload == null || payload.Length <= MacLength || payload.Length > MaxCommandBytes)
            {
                return null;
            }

            var length = payload.Length - MacLength;
            var encoding = new byte[length];
            Array.Copy(payload, encoding, length);
            var expected = _hmac.Compute(_commandKey, encoding);
            var difference = 0;
            for (var i = 0; i < MacLength; i++)
            {
                // Accumulated without an early exit: the time does not tell how much of a forgery matched.
                difference |= expected[i] ^ payload[length + i];
            }

            if (difference != 0)
            {
                return null;
            }

            var reader = new FieldCodec(encoding, length);
            var label = reader.ReadText();
            var deviceId = reader.ReadText();
            var sequence = reader.ReadUInt32();
            var expiresAt = reader.ReadInt64();
            var name = reader.ReadText();
            var argumentText = reader.ReadText();
            if (!reader.Complete || label != ProtocolV1.CommandLabel || deviceId != _deviceId || sequence == 0 || name == null || !IsName(name))
            {
                return null;
            }

            // Arguments that break the format still make an authentic command: it is answered invalid_arguments.
            return new Command(sequence, expiresAt, name, CommandArguments.Parse(argumentText!));
        }

        /// <summary>The signed result payload for command <paramref name="sequence"/>.</summary>
        public byte[] EncodeResult(uint sequence, CommandResult result)
        {
            return EncodeResult(_deviceId, sequence, result, _commandKey, _hmac);
        }

        /// <summary>A result payload signed under <paramref name="commandKey"/> (section 11.3).</summary>
        public static byte[] EncodeResult(string deviceId, uint sequence, CommandResult result, byte[] commandKey, IHmacSha256 hmac)
        {
            var label = Encoding.UTF8.GetBytes(ProtocolV1.CommandResultLabel);
            var id = Encoding.UTF8.GetBytes(deviceId);
            var status = Encoding.UTF8.GetBytes(result.Status);
            var detail = Encoding.UTF8.GetBytes(result.Detail);
            var length = FieldCodec.FieldLength(label.Length) + FieldCodec.FieldLength(id.Length) + FieldCodec.FieldLength(4)
                + FieldCodec.FieldLength(status.Length) + FieldCodec.FieldLength(detail.Length);
            var payload = new byte[length + MacLength];
            var offset = FieldCodec.WriteField(payload, 0, label);
            offset = FieldCodec.WriteField(payload, offset, id);
            offset = FieldCodec.WriteUInt32Field(payload, offset, sequence);
            offset = FieldCodec.WriteField(payload, offset, status);
            FieldCodec.WriteField(payload, offset, detail);
            var encoding = new byte[length];
            Array.Copy(payload, encoding, length);
            var mac = hmac.Compute(commandKey, encoding);
            Array.Copy(mac, 0, payload, length, MacLength);
            return payload;
        }

        // Section 11.2: 1 to 32 of a-z, 0-9 and '-'.
        private static bool IsName(string name)
        {
            if (name.Length == 0 || name.Length > 32)
            {
                return false;
            }

            for (var i = 0; i < name.Length; i++)
            {
                var c = name[i];
                if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
