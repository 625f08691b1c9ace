using System;
using System.Collections.Generic;
using System.Security.Cryptography.X509Certificates;
using M2M.Device.Core.App;
using M2M.Device.Core.Crypto;
using M2M.Device.Core.Platform;
using M2M.Device.Core.Storage;
using M2M.Device.Core.Time;
using M2M.Device.Core.Tokens;

namespace M2M.Device.Core.Host.Platform;

/// <summary>
/// The host's network clients for <see cref="DeviceApplication"/>: the token client over
/// <see cref="HostHttpTransport"/> and the MQTT transport over MQTTnet, both trusting the CA of the
/// credential, as the ESP32's Esp32Connections does with HttpWebRequest and M2Mqtt. Disposes what it created.
/// </summary>
public sealed class HostConnections(IHmacSha256 hmac, IRandom random, TimeSpan timeout) : IDeviceConnections, IDisposable
{
    private readonly List<IDisposable> _created = [];

    /// <inheritdoc />
    public ITokenSource CreateTokenSource(DeviceCredential credential, DeviceKeys keys, DeviceClock clock)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var http = new HostHttpTransport(timeout, credential.CaCertificatePem);
        _created.Add(http);
        return new TokenClient(credential, keys, hmac, random, clock, http, new HostJsonParser(), new TokenPolicy());
    }

    /// <inheritdoc />
    public IMqttTransport CreateMqttTransport(DeviceCredential credential, DeviceConfig config)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var ca = credential.MqttTrustedCaPem is { } pem ? X509Certificate2.CreateFromPem(pem) : null;
        var transport = new MqttNetTransport(credential.MqttHost, credential.MqttPort, ca, timeout);
        _created.Add(transport);
        return transport;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var created in _created)
        {
            created.Dispose();
        }
    }
}
