using M2M.Device.Core.Platform;

namespace M2M.Device.Core.Host.Platform;

/// <summary>The host's network link: the operating system keeps it; the application never has to join it.</summary>
public sealed class HostNetworkLink : INetworkLink
{
    /// <inheritdoc />
    public bool IsUp => true;

    /// <inheritdoc />
    public bool TryConnect(int timeoutMilliseconds) => true;
}
