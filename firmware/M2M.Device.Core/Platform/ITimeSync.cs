namespace M2M.Device.Core.Platform
{
    /// <summary>
    /// Sets the platform clock from the network (SNTP on ESP32). TLS and the token's iat/exp need a
    /// correct clock (docs/protocol.md section 3.4); when this fails the token client corrects the time
    /// from the gateway's HTTP Date header instead.
    /// </summary>
    public interface ITimeSync
    {
        /// <summary>Tries once to set the clock; blocks at most a few seconds. Returns true when the clock is set.</summary>
        bool TrySynchronize();
    }
}
