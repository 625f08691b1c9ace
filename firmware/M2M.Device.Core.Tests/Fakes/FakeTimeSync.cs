using M2M.Device.Core.Platform;

namespace M2M.Device.Core.Tests.Fakes
{
    /// <summary>An SNTP stand-in that sets the fake clock to <see cref="Now"/> when asked.</summary>
    public sealed class FakeTimeSync : ITimeSync
    {
        private readonly FakeClock _clock;

        public FakeTimeSync(FakeClock clock, long now)
        {
            _clock = clock;
            Now = now;
        }

        public long Now { get; set; }

        public int Calls { get; private set; }

        public bool TrySynchronize()
        {
            Calls++;
            _clock.UnixTimeMilliseconds = Now;
            return true;
        }
    }
}
