using System.Security.Cryptography;
using M2M.Device.Core.Platform;

namespace M2M.Device.Core.Host.Platform;

/// <summary>Random numbers from the operating system's cryptographic generator.</summary>
public sealed class HostRandom : IRandom
{
    /// <inheritdoc />
    public void NextBytes(byte[] buffer) => RandomNumberGenerator.Fill(buffer);

    /// <inheritdoc />
    public int NextInt(int maxExclusive) => RandomNumberGenerator.GetInt32(maxExclusive);
}
