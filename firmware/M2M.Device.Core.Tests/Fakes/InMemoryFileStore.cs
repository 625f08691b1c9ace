using System;
using System.Collections;
using System.IO;
using M2M.Device.Core.Platform;

namespace M2M.Device.Core.Tests.Fakes
{
    /// <summary>
    /// Files in memory, with a simulated power loss: <see cref="TearNextWrite"/> makes the next write
    /// keep only a prefix of the new bytes (over nothing, or over the old content, as flash written in
    /// place would) and then fail, as if the board lost power mid-write.
    /// </summary>
    public sealed class InMemoryFileStore : IFileStore
    {
        private readonly Hashtable _files = new Hashtable();
        private int _tearAfter = -1;
        private bool _tearOverOld;

        /// <summary>Number of completed or attempted writes.</summary>
        public int Writes { get; private set; }

        /// <summary>The next write stores only its first <paramref name="keepBytes"/> bytes, then throws IOException.</summary>
        public void TearNextWrite(int keepBytes, bool overOldContent)
        {
            _tearAfter = keepBytes;
            _tearOverOld = overOldContent;
        }

        /// <summary>Sets a file's bytes directly (a copy).</summary>
        public void Put(string name, byte[] data)
        {
            _files[name] = Copy(data, data.Length);
        }

        /// <summary>A copy of a file's bytes, or null.</summary>
        public byte[]? Get(string name)
        {
            var data = (byte[]?)_files[name];
            return data == null ? null : Copy(data, data.Length);
        }

        public bool Exists(string name)
        {
            return _files.Contains(name);
        }

        public byte[]? ReadAll(string name)
        {
            return Get(name);
        }

        public void WriteAll(string name, byte[] data)
        {
            Writes++;
            if (_tearAfter < 0)
            {
                _files[name] = Copy(data, data.Length);
                return;
            }

            var keep = _tearAfter < data.Length ? _tearAfter : data.Length;
            var old = (byte[]?)_files[name];
            byte[] torn;
            if (_tearOverOld && old != null && old.Length > keep)
            {
                torn = Copy(old, old.Length);
                Array.Copy(data, 0, torn, 0, keep);
            }
            else
            {
                torn = Copy(data, keep);
            }

            _files[name] = torn;
            _tearAfter = -1;
            throw new IOException("Simulated power loss");
        }

        public void Delete(string name)
        {
            _files.Remove(name);
        }

        private static byte[] Copy(byte[] data, int length)
        {
            var copy = new byte[length];
            Array.Copy(data, 0, copy, 0, length);
            return copy;
        }
    }
}
