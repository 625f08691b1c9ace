using System.Security.Cryptography.X509Certificates;
using M2M.Device.Core.App;
using M2M.Device.Core.Crypto;
using M2M.Device.Core.Platform;
using M2M.Device.Core.Storage;
using M2M.Device.Core.Time;
using M2M.Device.Core.Tokens;
using M2M.Device.Esp32.Platform;

namespace M2M.Device.Esp32
{
    /// <summary>
    /// The board's network clients: the token client over HttpClient/HttpWebRequest and the MQTT
    /// transport over M2Mqtt, both trusting the CA certificate provisioned with the credential. Only one
    /// TLS socket is open at a time: the HTTPS token request is closed (KeepAlive false) before the
    /// session manager opens the MQTT TLS session, and renewal happens in-band (docs/protocol.md 7.3).
    /// </summary>
    public sealed class Esp32Connections : IDeviceConnections
    {
        private const int HttpTimeoutMilliseconds = 15000;

        private readonly IHmacSha256 _hmac;
        private readonly IRandom _random;

        public Esp32Connections(IHmacSha256 hmac, IRandom random)
        {
            _hmac = hmac;
            _random = random;
        }

        /// <inheritdoc />
        public ITokenSource CreateTokenSource(DeviceCredential credential, DeviceKeys keys, DeviceClock clock)
        {
            var http = new NanoHttpTransport(HttpTimeoutMilliseconds, credential.CaCertificatePem);
            return new TokenClient(credential, keys, _hmac, _random, clock, http, new NanoJsonParser(), new TokenPolicy());
        }

        /// <inheritdoc />
        public IMqttTransport CreateMqttTransport(DeviceCredential credential, DeviceConfig config)
        {
            // M2MqttTransport uses TLS when it is given a CA; provisioning always writes the gateway's CA
            // into the credential when MQTT runs over TLS.
            var pem = credential.MqttTrustedCaPem;
            X509Certificate? ca = pem != null ? new X509Certificate(pem) : null;

            // One more than the session's window: the in-band renewal PUBLISH may be in flight too.
            return new M2MqttTransport(credential.MqttHost, credential.MqttPort, ca, config.InflightWindow + 2);
        }
    }
}
