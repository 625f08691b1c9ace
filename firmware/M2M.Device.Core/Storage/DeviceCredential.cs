using System;
using M2M.Device.Core.Protocol;
using M2M.Device.Core.Tokens;

namespace M2M.Device.Core.Storage
{
    /// <summary>
    /// What a board is provisioned with (docs/device-credential.md; docs/protocol.md section 2.1):
    /// its id and secret S, where to get tokens and how, and where the gateway's MQTT listener is.
    /// </summary>
    public sealed class DeviceCredential
    {
        public DeviceCredential(string deviceId, byte[] secret, string tokenEndpoint, string mqttHost, int mqttPort)
        {
            DeviceId = deviceId;
            Secret = secret;
            TokenEndpoint = tokenEndpoint;
            MqttHost = mqttHost;
            MqttPort = mqttPort;
            AuthMethod = TokenAuthMethod.ClientAssertion;
            ClientId = string.Empty;
            Scope = string.Empty;
            MqttTls = true;
            CaCertificatePem = string.Empty;
        }

        /// <summary>The device id (<c>^[a-z0-9-]{3,64}$</c>).</summary>
        public string DeviceId { get; private set; }

        /// <summary>The 32-byte secret S. Never logged; <see cref="Clear"/> overwrites it.</summary>
        public byte[] Secret { get; private set; }

        /// <summary>The token endpoint URL; also the client assertion's <c>aud</c> (section 3.2).</summary>
        public string TokenEndpoint { get; private set; }

        /// <summary>How the token request is authenticated.</summary>
        public TokenAuthMethod AuthMethod { get; set; }

        /// <summary>OAuth client id; empty means the device id (the protocol's rule, section 2.1).</summary>
        public string ClientId { get; set; }

        /// <summary>The <c>scope</c> parameter for a standard identity provider; empty sends none (v1 gateways refuse any).</summary>
        public string Scope { get; set; }

        /// <summary>The gateway's MQTT host name or address.</summary>
        public string MqttHost { get; private set; }

        /// <summary>The gateway's MQTT port.</summary>
        public int MqttPort { get; private set; }

        /// <summary>Whether MQTT runs over TLS (production: always).</summary>
        public bool MqttTls { get; set; }

        /// <summary>The root CA (PEM) that HTTPS and MQTT TLS trust; empty uses the board's stored CA.</summary>
        public string CaCertificatePem { get; set; }

        /// <summary>
        /// The CA certificate (PEM) the MQTT connection trusts, or null when the session runs without
        /// TLS or no CA was provisioned. The one place that decides it, for every platform's transport.
        /// </summary>
        public string? MqttTrustedCaPem
        {
            get { return MqttTls && CaCertificatePem.Length > 0 ? CaCertificatePem : null; }
        }

        /// <summary>The client id to present: <see cref="ClientId"/>, or the device id when it is empty.</summary>
        public string EffectiveClientId
        {
            get { return ClientId.Length == 0 ? DeviceId : ClientId; }
        }

        /// <summary>Checks every field against the format's rules; returns null when valid, else what is wrong.</summary>
        public string? Validate()
        {
            if (!IsDeviceId(DeviceId))
            {
                return "device id";
            }

            if (Secret == null || Secret.Length != ProtocolV1.KeyLength)
            {
                return "secret";
            }

            if (TokenEndpoint == null || !(TokenEndpoint.StartsWith("https://") || TokenEndpoint.StartsWith("http://")) || HasControlOrSpace(TokenEndpoint))
            {
                return "token endpoint";
            }

            if (AuthMethod != TokenAuthMethod.ClientAssertion && AuthMethod != TokenAuthMethod.ClientSecretBasic && AuthMethod != TokenAuthMethod.ClientSecretJwt)
            {
                return "auth method";
            }

            if (ClientId == null || HasControlOrSpace(ClientId) || Scope == null)
            {
                return "client id or scope";
            }

            if (MqttHost == null || MqttHost.Length == 0 || HasControlOrSpace(MqttHost))
            {
                return "mqtt host";
            }

            if (MqttPort < 1 || MqttPort > 65535)
            {
                return "mqtt port";
            }

            if (CaCertificatePem == null || (CaCertificatePem.Length != 0 && !CaCertificatePem.StartsWith("-----BEGIN CERTIFICATE-----")))
            {
                return "ca certificate";
            }

            return null;
        }

        /// <summary>The same credential with another secret (an over-the-air rotation, docs/protocol.md section 12).</summary>
        public DeviceCredential WithSecret(byte[] secret)
        {
            var copy = new DeviceCredential(DeviceId, secret, TokenEndpoint, MqttHost, MqttPort);
            copy.AuthMethod = AuthMethod;
            copy.ClientId = ClientId;
            copy.Scope = Scope;
            copy.MqttTls = MqttTls;
            copy.CaCertificatePem = CaCertificatePem;
            return copy;
        }

        /// <summary>Overwrites the secret (after the keys were derived, or when the credential is replaced).</summary>
        public void Clear()
        {
            if (Secret != null)
            {
                Array.Clear(Secret, 0, Secret.Length);
            }
        }

        /// <summary>docs/protocol.md section 2.1: 3 to 64 of a-z, 0-9 and '-'.</summary>
        public static bool IsDeviceId(string? value)
        {
            if (value == null || value.Length < 3 || value.Length > 64)
            {
                return false;
            }

            for (var i = 0; i < value.Length; i++)
            {
                var c = value[i];
                if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool HasControlOrSpace(string value)
        {
            for (var i = 0; i < value.Length; i++)
            {
                if (value[i] <= ' ' || value[i] == (char)0x7F)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
