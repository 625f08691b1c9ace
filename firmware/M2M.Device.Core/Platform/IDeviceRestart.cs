namespace M2M.Device.Core.Platform
{
    /// <summary>Restarts the device (the <c>reboot</c> command, docs/protocol.md section 11.5): nanoFramework's Power.RebootDevice on a board.</summary>
    public interface IDeviceRestart
    {
        /// <summary>Restarts now; on a board it does not return.</summary>
        void Restart();
    }
}
