namespace M2M.Device.Core.Storage
{
    /// <summary>
    /// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, initial value and final XOR 0xFFFFFFFF; the
    /// CRC of zlib and PNG, check value 0xCBF43926 for "123456789"). It detects torn and corrupted
    /// records; it is not a security check (whoever can rewrite the flash can also read the secret).
    /// Computed bitwise: records are small and read once per boot, so no 1 KB table is kept in RAM.
    /// </summary>
    public static class Crc32
    {
        /// <summary>The CRC-32 of <paramref name="count"/> bytes of <paramref name="data"/> from <paramref name="offset"/>.</summary>
        public static uint Compute(byte[] data, int offset, int count)
        {
            var crc = 0xFFFFFFFFu;
            for (var i = offset; i < offset + count; i++)
            {
                crc ^= data[i];
                for (var bit = 0; bit < 8; bit++)
                {
                    crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
                }
            }

            return crc ^ 0xFFFFFFFFu;
        }
    }
}
