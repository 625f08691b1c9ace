using System;
using M2M.Device.Core.Platform;

namespace M2M.Device.Esp32.Platform
{
    /// <summary>
    /// Random numbers from System.Random, which on ESP32 targets is backed by the chip's hardware
    /// generator when the radio is on. Used for jti values (unique, not secret) and jitter.
    /// </summary>
    public sealed class NanoRandom : IRandom
    {
        private readonly Random _random = new Random();
        private readonly object _lock = new object();

        /// <inheritdoc />
        public void NextBytes(byte[] buffer)
        {
            lock (_lock)
            {
                _random.NextBytes(buffer);
            }
        }

        /// <inheritdoc />
        public int NextInt(int maxExclusive)
        {
            lock (_lock)
            {
                return _random.Next(maxExclusive);
            }
        }
    }
}
