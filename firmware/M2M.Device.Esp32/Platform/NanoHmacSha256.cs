using System.Security.Cryptography;
using M2M.Device.Core.Platform;

namespace M2M.Device.Esp32.Platform
{
    /// <summary>
    /// HMAC-SHA256 from nanoFramework.System.Security.Cryptography (native mbedTLS on ESP32).
    /// HashData is used rather than an HMACSHA256 instance because the instance keeps the caller's
    /// key array and clears it on Dispose.
    /// </summary>
    public sealed class NanoHmacSha256 : IHmacSha256
    {
        /// <inheritdoc />
        public byte[] Compute(byte[] key, byte[] data)
        {
            return HMACSHA256.HashData(key, data);
        }
    }
}
