using M2M.Device.Core.Platform;

namespace M2M.Device.Core.Tests.Fakes
{
    /// <summary>Deterministic "randomness": NextInt returns the lowest value unless <see cref="Highest"/> is set.</summary>
    public sealed class FakeRandom : IRandom
    {
        /// <summary>When true, NextInt returns maxExclusive - 1.</summary>
        public bool Highest { get; set; }

        public void NextBytes(byte[] buffer)
        {
            for (var i = 0; i < buffer.Length; i++)
            {
                buffer[i] = (byte)(i + 1);
            }
        }

        public int NextInt(int maxExclusive)
        {
            return Highest && maxExclusive > 0 ? maxExclusive - 1 : 0;
        }
    }
}
