namespace M2M.Device.Core.Platform
{
    /// <summary>
    /// Random bytes from the platform: the ESP32's hardware RNG through System.Random on
    /// nanoFramework, a cryptographic generator on .NET. Used for assertion <c>jti</c> values and for
    /// the jitter of renewals and back-offs.
    /// </summary>
    public interface IRandom
    {
        /// <summary>Fills <paramref name="buffer"/> with random bytes.</summary>
        void NextBytes(byte[] buffer);

        /// <summary>A random integer in [0, <paramref name="maxExclusive"/>).</summary>
        int NextInt(int maxExclusive);
    }
}
