using System;
using System.Text;
using M2M.Device.Core.Commands;
using M2M.Device.Core.Platform;
using M2M.Device.Core.Protocol;

namespace M2M.Device.Core.Tests.Fakes
{
    /// <summary>Builds signed command payloads as a gateway does (docs/protocol.md section 11.2), for the device tests.</summary>
    public static class TestCommands
    {
        /// <summary>The command payload: the field encoding, then its HMAC-SHA256 under <paramref name="commandKey"/>.</summary>
        public static byte[] Build(IHmacSha256 hmac, byte[] commandKey, string deviceId, uint sequence, long expiresAt, string name, string arguments)
        {
            var label = Encoding.UTF8.GetBytes(ProtocolV1.CommandLabel);
            var id = Encoding.UTF8.GetBytes(deviceId);
            var nameBytes = Encoding.UTF8.GetBytes(name);
            var argumentBytes = Encoding.UTF8.GetBytes(arguments);
            var length = FieldCodec.FieldLength(label.Length) + FieldCodec.FieldLength(id.Length) + FieldCodec.FieldLength(4) + FieldCodec.FieldLength(8)
                + FieldCodec.FieldLength(nameBytes.Length) + FieldCodec.FieldLength(argumentBytes.Length);
            var encoding = new byte[length];
            var offset = FieldCodec.WriteField(encoding, 0, label);
            offset = FieldCodec.WriteField(encoding, offset, id);
            offset = FieldCodec.WriteUInt32Field(encoding, offset, sequence);
            offset = FieldCodec.WriteInt64Field(encoding, offset, expiresAt);
            offset = FieldCodec.WriteField(encoding, offset, nameBytes);
            FieldCodec.WriteField(encoding, offset, argumentBytes);
            var mac = hmac.Compute(commandKey, encoding);
            var payload = new byte[length + mac.Length];
            Array.Copy(encoding, payload, length);
            Array.Copy(mac, 0, payload, length, mac.Length);
            return payload;
        }

        /// <summary>Reads a result payload back (after checking its HMAC): status, then detail; null when it does not verify.</summary>
        public static string[]? ReadResult(IHmacSha256 hmac, byte[] commandKey, byte[] payload, out uint sequence)
        {
            sequence = 0;
            var length = payload.Length - 32;
            var encoding = new byte[length];
            Array.Copy(payload, encoding, length);
            var mac = hmac.Compute(commandKey, encoding);
            for (var i = 0; i < 32; i++)
            {
                if (mac[i] != payload[length + i])
                {
                    return null;
                }
            }

            var reader = new FieldCodec(encoding, length);
            reader.ReadText();
            reader.ReadText();
            sequence = reader.ReadUInt32();
            var status = reader.ReadText();
            var detail = reader.ReadText();
            return reader.Complete ? new string[] { status!, detail! } : null;
        }
    }
}
