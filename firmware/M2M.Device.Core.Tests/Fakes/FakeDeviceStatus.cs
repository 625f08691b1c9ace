using M2M.Device.Core.Platform;

namespace M2M.Device.Core.Tests.Fakes
{
    /// <summary>Fixed status figures.</summary>
    public sealed class FakeDeviceStatus : IDeviceStatus
    {
        public long FreeManagedMemory { get; set; } = 81234;

        public int SignalStrength { get; set; } = -61;
    }
}
