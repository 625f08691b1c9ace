using M2M.Device.Core.Crypto;
using M2M.Device.Core.Platform;
using M2M.Device.Core.Storage;
using M2M.Device.Core.Time;
using M2M.Device.Core.Tokens;

namespace M2M.Device.Core.App
{
    /// <summary>
    /// Creates the two network clients once the credential is known: the token client (HTTPS) and the
    /// MQTT transport. The ESP32 project implements it with HttpClient and M2Mqtt, the host with .NET's
    /// HttpClient and MQTTnet, the tests with in-memory stand-ins.
    /// </summary>
    public interface IDeviceConnections
    {
        /// <summary>The access-token source for <paramref name="credential"/>.</summary>
        ITokenSource CreateTokenSource(DeviceCredential credential, DeviceKeys keys, DeviceClock clock);

        /// <summary>The MQTT transport to the gateway named in <paramref name="credential"/>.</summary>
        IMqttTransport CreateMqttTransport(DeviceCredential credential, DeviceConfig config);
    }
}
