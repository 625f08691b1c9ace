namespace M2M.Device.Core.Platform
{
    /// <summary>
    /// HMAC-SHA256 (RFC 2104) as the platform provides it: native mbedTLS on ESP32 through
    /// nanoFramework.System.Security.Cryptography, System.Security.Cryptography on .NET.
    /// Everything the protocol signs or derives is built from this one primitive.
    /// </summary>
    public interface IHmacSha256
    {
        /// <summary>Returns the 32-byte MAC of <paramref name="data"/> under <paramref name="key"/>; neither array is modified or kept.</summary>
        byte[] Compute(byte[] key, byte[] data);
    }
}
