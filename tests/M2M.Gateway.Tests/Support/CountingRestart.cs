using M2M.Device.Core.Platform;

namespace M2M.Gateway.Tests.Support;

/// <summary>A restart that only counts: the test decides what a restart does (nothing, or a new boot).</summary>
public sealed class CountingRestart : IDeviceRestart
{
    private int _restarts;

    public int Restarts => Volatile.Read(ref _restarts);

    public void Restart() => Interlocked.Increment(ref _restarts);
}
