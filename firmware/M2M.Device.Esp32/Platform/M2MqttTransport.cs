using System;
using System.Collections;
using System.Security.Cryptography.X509Certificates;
using M2M.Device.Core.Platform;
using nanoFramework.M2Mqtt;
using nanoFramework.M2Mqtt.Messages;

namespace M2M.Device.Esp32.Platform
{
    /// <summary>
    /// <see cref="IMqttTransport"/> over nanoFramework.M2Mqtt's MqttClient (MQTT 5, TLS with the
    /// gateway's CA certificate). One client is created and reused across reconnects, so the native TLS
    /// buffers are not allocated twice. M2Mqtt sends the PINGREQs of the keep-alive itself.
    /// Limits of M2Mqtt 5.1 that shape this adapter (read in nanoframework/nanoFramework.m2mqtt at v5.1.220,
    /// the version packages.config pins and the newest release):
    /// - its MqttMsgPublished event carries only MessageId and IsPublished. The client parses the PUBACK
    ///   (MqttMsgPuback.ReasonCode) but raises IsPublished = true for every PUBACK, whatever its reason
    ///   code, and exposes neither the packet nor its channel. So every PUBACK is passed on as
    ///   <see cref="MqttCodes.Success"/> (docs/protocol.md section 9.3). With this gateway nothing is lost
    ///   to a transient failure: the gateway never answers one with a PUBACK but withholds it or sends
    ///   DISCONNECT 0x80 (section 9.4), and both keep the message in the outbox. A message the gateway
    ///   refused definitively (0x83, 0x87, 0x90) leaves the outbox as if accepted, so it is not retried,
    ///   but it is counted as acknowledged, not as refused, on the board. Against a gateway that answers
    ///   transient failures with PUBACK 0x80 or 0x97, a board would lose those messages;
    /// - it retransmits an unacknowledged PUBLISH itself on the same connection (with DUP, MqttSettings
    ///   AttemptsOnRetry 3 times DelayOnRetry 1 s) and then reports IsPublished = false, which is passed on
    ///   as <see cref="MqttCodes.NotAcknowledged"/>: the session ends and resends in order (a PUBACK the
    ///   gateway withholds longer than that costs a reconnect, not a message);
    /// - the server's DISCONNECT reason code is read from ConnectionClosedRequest (its Reason String is
    ///   not needed: the device acts on the code alone).
    /// </summary>
    public sealed class M2MqttTransport : IMqttTransport
    {
        private readonly object _sync = new object();
        private readonly string _host;
        private readonly int _port;
        private readonly X509Certificate? _caCertificate;
        private readonly int _inflightLimit;
        private MqttClient? _client;
        private IMqttTransportListener? _listener;
        private bool _ownDisconnect;
        private int _serverReason;

        /// <summary>
        /// A transport to <paramref name="host"/>:<paramref name="port"/>, over TLS 1.2 when
        /// <paramref name="caCertificate"/> is given (the gateway's certificate must chain to it).
        /// <paramref name="inflightLimit"/> bounds M2Mqtt's inflight queue, which is unbounded by default;
        /// it must exceed the session's inflight window by one (the renewal PUBLISH).
        /// </summary>
        public M2MqttTransport(string host, int port, X509Certificate? caCertificate, int inflightLimit)
        {
            _host = host;
            _port = port;
            _caCertificate = caCertificate;
            _inflightLimit = inflightLimit;
        }

        /// <inheritdoc />
        public void SetListener(IMqttTransportListener listener)
        {
            _listener = listener;
        }

        /// <inheritdoc />
        public int Connect(string clientId, string userName, string password, int keepAliveSeconds)
        {
            try
            {
                var client = Client();
                lock (_sync)
                {
                    _ownDisconnect = false;
                    _serverReason = MqttCodes.NetworkError;
                }

                // Section 5.1: Clean Start = 1; the device keeps its own outbox.
                return (int)client.Connect(clientId, userName, password, true, (ushort)keepAliveSeconds);
            }
            catch (Exception)
            {
                // MqttConnectionException (socket, TLS), MqttCommunicationException, timeouts: no CONNACK.
                return MqttCodes.NetworkError;
            }
        }

        /// <inheritdoc />
        public ushort Publish(string topic, byte[] payload, string? contentType, string[]? propertyNames, string[]? propertyValues)
        {
            var client = _client;
            if (client == null || !client.IsConnected)
            {
                return 0;
            }

            ArrayList? properties = null;
            if (propertyNames != null && propertyValues != null)
            {
                properties = new ArrayList();
                for (var i = 0; i < propertyNames.Length; i++)
                {
                    properties.Add(new UserProperty(propertyNames[i], propertyValues[i]));
                }
            }

            try
            {
                return client.Publish(topic, payload, contentType, properties, MqttQoSLevel.AtLeastOnce, false);
            }
            catch (Exception)
            {
                // Not connected, or the inflight queue is full.
                return 0;
            }
        }

        /// <inheritdoc />
        public bool Subscribe(string topic)
        {
            var client = _client;
            if (client == null || !client.IsConnected)
            {
                return false;
            }

            try
            {
                client.Subscribe(new string[] { topic }, new MqttQoSLevel[] { MqttQoSLevel.AtLeastOnce });
                return true;
            }
            catch (Exception)
            {
                return false;
            }
        }

        /// <inheritdoc />
        public void Disconnect()
        {
            var client = _client;
            if (client == null || !client.IsConnected)
            {
                return;
            }

            lock (_sync)
            {
                _ownDisconnect = true;
            }

            try
            {
                client.Disconnect();
            }
            catch (Exception)
            {
                // The connection is gone either way.
            }
        }

        private MqttClient Client()
        {
            if (_client != null)
            {
                return _client;
            }

            var secure = _caCertificate != null;
            var client = new MqttClient(_host, _port, secure, _caCertificate, null, secure ? MqttSslProtocols.TLSv1_2 : MqttSslProtocols.None);
            client.ProtocolVersion = MqttProtocolVersion.Version_5;

            // MqttSettings is process-wide; its InflightQueueSize defaults to int.MaxValue (unbounded).
            client.Settings.InflightQueueSize = _inflightLimit;
            client.MqttMsgPublished += OnPublished;
            client.MqttMsgPublishReceived += OnMessageReceived;
            client.ConnectionClosedRequest += OnServerDisconnect;
            client.ConnectionClosed += OnClosed;
            _client = client;
            return client;
        }

        private void OnPublished(object sender, MqttMsgPublishedEventArgs e)
        {
            var listener = _listener;
            if (listener != null)
            {
                // IsPublished is true for any PUBACK, refusals included: the reason code is not exposed.
                listener.OnPublishAcknowledged(e.MessageId, e.IsPublished ? MqttCodes.Success : MqttCodes.NotAcknowledged);
            }
        }

        // A command (docs/protocol.md section 11): M2Mqtt passes the topic and payload, not the user properties.
        private void OnMessageReceived(object sender, MqttMsgPublishEventArgs e)
        {
            var listener = _listener;
            if (listener != null)
            {
                listener.OnMessageReceived(e.Topic, e.Message);
            }
        }

        // MQTT 5 section 3.14.2.1: the server's DISCONNECT reason, raised before the connection closes.
        private void OnServerDisconnect(object sender, ConnectionClosedRequestEventArgs e)
        {
            lock (_sync)
            {
                _serverReason = (int)e.Message.ResonCode;
            }
        }

        private void OnClosed(object sender, EventArgs e)
        {
            int reason;
            lock (_sync)
            {
                if (_ownDisconnect)
                {
                    // IMqttTransport.Disconnect: the end of a connection the device closed is not reported.
                    _ownDisconnect = false;
                    return;
                }

                reason = _serverReason;
                _serverReason = MqttCodes.NetworkError;
            }

            var listener = _listener;
            if (listener != null)
            {
                listener.OnConnectionClosed(reason);
            }
        }
    }
}
