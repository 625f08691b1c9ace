namespace M2M.Device.Core.Platform
{
    /// <summary>
    /// Small named files in the device's own storage: the internal <c>I:\</c> drive (littlefs) on
    /// ESP32, a directory readable only by its owner on the host. Names are plain file names
    /// (<c>a-z 0-9 . -</c>); the adapter decides where they live.
    /// </summary>
    public interface IFileStore
    {
        /// <summary>True when the file exists.</summary>
        bool Exists(string name);

        /// <summary>The whole file, or null when it does not exist.</summary>
        byte[]? ReadAll(string name);

        /// <summary>
        /// Creates or replaces the file with <paramref name="data"/> and flushes it to the storage medium
        /// before returning. A power loss during the call may leave any prefix of the new bytes (the
        /// record formats in Storage/ are built to survive that).
        /// </summary>
        void WriteAll(string name, byte[] data);

        /// <summary>Deletes the file; nothing happens when it does not exist.</summary>
        void Delete(string name);
    }
}
