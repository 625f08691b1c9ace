using System.Security.Cryptography;
using M2M.Device.Core.Platform;

namespace M2M.Device.Core.Host.Platform;

/// <summary>HMAC-SHA256 from .NET's System.Security.Cryptography, for the host build.</summary>
public sealed class HostHmacSha256 : IHmacSha256
{
    /// <inheritdoc />
    public byte[] Compute(byte[] key, byte[] data) => HMACSHA256.HashData(key, data);
}
