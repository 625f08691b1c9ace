using M2M.Device.Core.Platform;

namespace M2M.Device.Core.Tests.Fakes
{
    /// <summary>Deterministic "randomness": NextInt returns the lowest value unless <see cref="Highest"/> is set.</summary>
    public sealed class FakeRandom : IRandom
    {
        private int _calls;

        /// <summary>When true, NextInt returns maxExclusive - 1.</summary>
        public bool Highest { get; set; }

        public void NextBytes(byte[] buffer)
        {
            // 1, 2, 3... on the first call; shifted by one on each later call, so every jti differs.
            for (var i = 0; i < buffer.Length; i++)
            {
                buffer[i] = (byte)(i + 1 + _calls);
            }

            _calls++;
        }

        public int NextInt(int maxExclusive)
        {
            return Highest && maxExclusive > 0 ? maxExclusive - 1 : 0;
        }
    }
}
