namespace M2M.Device.Core.Platform
{
    /// <summary>
    /// The board's network link (Wi-Fi on ESP32, with the profile nanoff's network deployment stored).
    /// The application waits for it before any request and treats its loss as the reason for every
    /// failure that follows, instead of backing off the gateway.
    /// </summary>
    public interface INetworkLink
    {
        /// <summary>True while the link is up with an IP address.</summary>
        bool IsUp { get; }

        /// <summary>
        /// Joins (or rejoins) the network; blocks at most <paramref name="timeoutMilliseconds"/>.
        /// Returns true when the link is up. Never throws.
        /// </summary>
        bool TryConnect(int timeoutMilliseconds);
    }
}
