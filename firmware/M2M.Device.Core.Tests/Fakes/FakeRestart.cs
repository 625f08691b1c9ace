using M2M.Device.Core.Platform;

namespace M2M.Device.Core.Tests.Fakes
{
    /// <summary>Counts restarts instead of restarting.</summary>
    public sealed class FakeRestart : IDeviceRestart
    {
        public int Restarts { get; private set; }

        public void Restart()
        {
            Restarts++;
        }
    }
}
