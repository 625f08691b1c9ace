using System;
using System.IO;
using M2M.Device.Core.Platform;

namespace M2M.Device.Esp32.Platform
{
    /// <summary>
    /// Files on the ESP32's internal drive <c>I:\</c> (the littlefs "config" partition) through
    /// nanoFramework.System.IO.FileSystem. Stock firmware does not encrypt the flash: anyone holding the
    /// board can read these files (docs/device-credential.md section 6).
    /// </summary>
    public sealed class NanoFileStore : IFileStore
    {
        private readonly string _root;

        /// <summary>Uses the internal drive's root.</summary>
        public NanoFileStore()
            : this("I:\\")
        {
        }

        /// <summary>Uses <paramref name="root"/> (a drive root or folder ending with a backslash).</summary>
        public NanoFileStore(string root)
        {
            _root = root;
        }

        /// <inheritdoc />
        public bool Exists(string name)
        {
            return File.Exists(_root + name);
        }

        /// <inheritdoc />
        public byte[]? ReadAll(string name)
        {
            var path = _root + name;
            if (!File.Exists(path))
            {
                return null;
            }

            return File.ReadAllBytes(path);
        }

        /// <inheritdoc />
        public void WriteAll(string name, byte[] data)
        {
            if (data == null)
            {
                throw new ArgumentNullException(nameof(data));
            }

            using (var stream = new FileStream(_root + name, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                stream.Write(data, 0, data.Length);
                stream.Flush();
            }
        }

        /// <inheritdoc />
        public void Delete(string name)
        {
            File.Delete(_root + name);
        }
    }
}
