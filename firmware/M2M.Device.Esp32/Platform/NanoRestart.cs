using M2M.Device.Core.Platform;
using nanoFramework.Runtime.Native;

namespace M2M.Device.Esp32.Platform
{
    /// <summary>Restarts the board with nanoFramework.Runtime.Native's Power.RebootDevice (a normal reboot of the CLR and the application).</summary>
    public sealed class NanoRestart : IDeviceRestart
    {
        /// <inheritdoc />
        public void Restart()
        {
            Power.RebootDevice();
        }
    }
}
