using M2M.Device.Core.Platform;

namespace M2M.Device.Core.Tests.Fakes
{
    /// <summary>
    /// Randomness the test controls: NextInt returns the lowest or the highest value allowed (to probe
    /// both ends of a jitter window); NextBytes fills with a counter, so every jti differs.
    /// </summary>
    public sealed class ScriptedRandom : IRandom
    {
        private byte _counter;

        /// <summary>True: NextInt returns maxExclusive - 1; false: 0.</summary>
        public bool High { get; set; }

        public void NextBytes(byte[] buffer)
        {
            _counter++;
            for (var i = 0; i < buffer.Length; i++)
            {
                buffer[i] = (byte)(_counter + i);
            }
        }

        public int NextInt(int maxExclusive)
        {
            return High ? maxExclusive - 1 : 0;
        }
    }
}
