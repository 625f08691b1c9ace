using System;
using M2M.Device.Core.Platform;

namespace M2M.Device.Core.Host.Platform;

/// <summary>The host's status figures: free memory as the GC sees it; no radio, so no signal strength.</summary>
public sealed class HostDeviceStatus : IDeviceStatus
{
    /// <inheritdoc />
    public long FreeManagedMemory => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes - GC.GetTotalMemory(false);

    /// <inheritdoc />
    public int SignalStrength => 0;
}
