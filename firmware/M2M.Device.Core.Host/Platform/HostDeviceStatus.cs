using System;
using M2M.Device.Core.Platform;

namespace M2M.Device.Core.Host.Platform;

/// <summary>
/// The host's status figures: free memory as the GC sees it; no radio, so no signal strength. A start
/// failure goes to standard error, the host process's equivalent of a board's debug output.
/// </summary>
public sealed class HostDeviceStatus : IDeviceStatus
{
    /// <inheritdoc />
    public long FreeManagedMemory => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes - GC.GetTotalMemory(false);

    /// <inheritdoc />
    public int SignalStrength => 0;

    /// <inheritdoc />
    public void ReportStartFailure(string reason, string? errorType) =>
        Console.Error.WriteLine(errorType == null ? $"M2M.Device not started: {reason}" : $"M2M.Device not started: {reason} ({errorType})");
}
