using System;
using System.IO;
using M2M.Device.Core.Platform;

namespace M2M.Device.Core.Storage
{
    /// <summary>
    /// The frame around every stored record (docs/device-credential.md section 2): magic (4 ASCII
    /// bytes), format version (1 byte), generation (uint32), body length (uint32), body, CRC-32 of all
    /// the bytes before it (uint32); integers big-endian. A torn write leaves a frame that is too short
    /// or whose CRC does not match, so it is never taken for a record.
    /// </summary>
    public sealed class RecordFrame
    {
        /// <summary>Bytes before the body.</summary>
        public const int HeaderLength = 13;

        /// <summary>Largest frame accepted (a credential with a CA chain fits well below).</summary>
        public const int MaxLength = 16384;

        private RecordFrame(RecordStatus status, uint generation, byte[]? body)
        {
            Status = status;
            Generation = generation;
            Body = body;
        }

        /// <summary>Whether the frame is intact.</summary>
        public RecordStatus Status { get; private set; }

        /// <summary>The generation (credential) or the value itself (boot epoch).</summary>
        public uint Generation { get; private set; }

        /// <summary>The body when <see cref="Status"/> is <see cref="RecordStatus.Valid"/>.</summary>
        public byte[]? Body { get; private set; }

        /// <summary>Frames <paramref name="body"/>.</summary>
        public static byte[] Wrap(string magic, byte version, uint generation, byte[] body)
        {
            if (magic == null || magic.Length != 4)
            {
                throw new ArgumentException("The magic is four ASCII characters.", nameof(magic));
            }

            if (body == null)
            {
                throw new ArgumentNullException(nameof(body));
            }

            var frame = new byte[HeaderLength + body.Length + 4];
            if (frame.Length > MaxLength)
            {
                throw new ArgumentException("The record is too long.", nameof(body));
            }

            for (var i = 0; i < 4; i++)
            {
                frame[i] = (byte)magic[i];
            }

            frame[4] = version;
            WriteUInt32(frame, 5, generation);
            WriteUInt32(frame, 9, (uint)body.Length);
            Array.Copy(body, 0, frame, HeaderLength, body.Length);
            WriteUInt32(frame, frame.Length - 4, Crc32.Compute(frame, 0, frame.Length - 4));
            return frame;
        }

        /// <summary>Checks and opens a frame; never throws on bad input.</summary>
        public static RecordFrame Unwrap(byte[]? frame, string magic, byte version)
        {
            if (frame == null)
            {
                return new RecordFrame(RecordStatus.Missing, 0, null);
            }

            if (frame.Length < HeaderLength + 4)
            {
                return new RecordFrame(frame.Length < 4 || MagicMatches(frame, magic, frame.Length) ? RecordStatus.Truncated : RecordStatus.WrongMagic, 0, null);
            }

            if (!MagicMatches(frame, magic, 4))
            {
                return new RecordFrame(RecordStatus.WrongMagic, 0, null);
            }

            if (frame[4] != version)
            {
                return new RecordFrame(RecordStatus.UnsupportedVersion, 0, null);
            }

            var bodyLength = ReadUInt32(frame, 9);
            if (bodyLength > MaxLength)
            {
                return new RecordFrame(RecordStatus.BadLength, 0, null);
            }

            var expected = HeaderLength + (int)bodyLength + 4;
            if (frame.Length < expected)
            {
                return new RecordFrame(RecordStatus.Truncated, 0, null);
            }

            if (frame.Length > expected)
            {
                return new RecordFrame(RecordStatus.BadLength, 0, null);
            }

            if (ReadUInt32(frame, expected - 4) != Crc32.Compute(frame, 0, expected - 4))
            {
                return new RecordFrame(RecordStatus.BadChecksum, 0, null);
            }

            var body = new byte[bodyLength];
            Array.Copy(frame, HeaderLength, body, 0, body.Length);
            return new RecordFrame(RecordStatus.Valid, ReadUInt32(frame, 5), body);
        }

        /// <summary>
        /// Writes a frame and reads it back: a write that did not reach the medium intact is reported
        /// (IOException) instead of being trusted.
        /// </summary>
        public static void WriteVerified(IFileStore store, string name, byte[] frame)
        {
            store.WriteAll(name, frame);
            var back = store.ReadAll(name);
            if (back == null || back.Length != frame.Length)
            {
                throw new IOException("The record did not read back: " + name);
            }

            for (var i = 0; i < frame.Length; i++)
            {
                if (back[i] != frame[i])
                {
                    throw new IOException("The record did not read back: " + name);
                }
            }
        }

        /// <summary>
        /// Of two slots, the one to trust: the valid one with the higher generation, A on a tie; -1 when
        /// neither is valid. (A tie happens only after provisioning, which writes both slots alike.)
        /// </summary>
        public static int ChooseSlot(RecordFrame a, RecordFrame b)
        {
            if (a.Status != RecordStatus.Valid)
            {
                return b.Status == RecordStatus.Valid ? 1 : -1;
            }

            return b.Status == RecordStatus.Valid && b.Generation > a.Generation ? 1 : 0;
        }

        /// <summary>Marks an intact frame whose body the caller found invalid.</summary>
        public RecordFrame Reject()
        {
            return new RecordFrame(RecordStatus.InvalidContent, Generation, null);
        }

        internal static void WriteUInt32(byte[] buffer, int offset, uint value)
        {
            buffer[offset] = (byte)(value >> 24);
            buffer[offset + 1] = (byte)(value >> 16);
            buffer[offset + 2] = (byte)(value >> 8);
            buffer[offset + 3] = (byte)value;
        }

        internal static uint ReadUInt32(byte[] buffer, int offset)
        {
            return ((uint)buffer[offset] << 24) | ((uint)buffer[offset + 1] << 16) | ((uint)buffer[offset + 2] << 8) | buffer[offset + 3];
        }

        private static bool MagicMatches(byte[] frame, string magic, int count)
        {
            for (var i = 0; i < count && i < 4; i++)
            {
                if (frame[i] != (byte)magic[i])
                {
                    return false;
                }
            }

            return true;
        }
    }
}
