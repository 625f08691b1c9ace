using M2M.Device.Core.Platform;

namespace M2M.Device.Core.Tests.Fakes
{
    /// <summary>Fixed status figures; records the last start failure reported.</summary>
    public sealed class FakeDeviceStatus : IDeviceStatus
    {
        public long FreeManagedMemory { get; set; } = 81234;

        public int SignalStrength { get; set; } = -61;

        public string? FailureReason { get; private set; }

        public string? FailureType { get; private set; }

        public void ReportStartFailure(string reason, string? errorType)
        {
            FailureReason = reason;
            FailureType = errorType;
        }
    }
}
