// Declarations from github.com/nanoframework/nanoFramework.m2mqtt, M2Mqtt/MqttClient.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System;
using System.Collections;
using System.Security.Cryptography.X509Certificates;
using nanoFramework.M2Mqtt.Messages;

namespace nanoFramework.M2Mqtt
{
    public class MqttClient : IMqttClient, IDisposable
    {
        public delegate void ConnectionClosedRequestEventHandler(object sender, ConnectionClosedRequestEventArgs e);
        public event IMqttClient.MqttMsgPublishEventHandler MqttMsgPublishReceived;
        public event IMqttClient.MqttMsgPublishedEventHandler MqttMsgPublished;
        public event IMqttClient.MqttMsgSubscribedEventHandler MqttMsgSubscribed;
        public event IMqttClient.MqttMsgUnsubscribedEventHandler MqttMsgUnsubscribed;
        public event IMqttClient.ConnectionClosedEventHandler ConnectionClosed;
        public event ConnectionClosedRequestEventHandler ConnectionClosedRequest;
        public bool IsConnected { get => throw null; private set => throw null; }
        public string ClientId { get => throw null; private set => throw null; }
        public bool CleanSession { get => throw null; private set => throw null; }
        public MqttProtocolVersion ProtocolVersion { get => throw null; set => throw null; }
        public string AuthenticationMethod { get => throw null; set => throw null; }
        public byte[] AuthenticationData { get => throw null; set => throw null; }
        public uint SessionExpiryInterval { get => throw null; set => throw null; }
        public bool RequestProblemInformation { get => throw null; set => throw null; }
        public ushort ReceiveMaximum { get => throw null; set => throw null; }
        public ArrayList UserProperties { get => throw null; internal set => throw null; }
        public uint MaximumPacketSize { get => throw null; set => throw null; }
        public MqttSettings Settings => throw null;
        public MqttClient(string brokerHostName) { }
        public MqttClient(string brokerHostName, int brokerPort, bool secure, X509Certificate caCert, X509Certificate clientCert, MqttSslProtocols sslProtocol) { }
        public void Init(string brokerHostName, int brokerPort, bool secure, byte[] caCert, byte[] clientCert, MqttSslProtocols sslProtocol) => throw null;
        public MqttReasonCode Connect(string clientId) => throw null;
        public MqttReasonCode Connect(string clientId, bool cleanSession) => throw null;
        public MqttReasonCode Connect(string clientId, string username, string password) => throw null;
        public MqttReasonCode Connect(string clientId, string username, string password, bool cleanSession, ushort keepAlivePeriod) => throw null;
        public MqttReasonCode Connect(string clientId, string username, string password, bool willRetain, MqttQoSLevel willQosLevel, bool willFlag, string willTopic, string willMessage, bool cleanSession, ushort keepAlivePeriod) => throw null;
        public void Disconnect() => throw null;
        public void Close() => throw null;
        public void Dispose() => throw null;
        public ushort Subscribe(string[] topics, MqttQoSLevel[] qosLevels) => throw null;
        public ushort Unsubscribe(string[] topics) => throw null;
        public ushort Publish(string topic, byte[] message) => throw null;
        public ushort Publish(string topic, byte[] message, string contentType) => throw null;
        public ushort Publish(string topic, byte[] message, string contentType, ArrayList userProperties) => throw null;
        public ushort Publish(string topic, byte[] message, string contentType, ArrayList userProperties, MqttQoSLevel qosLevel, bool retain) => throw null;
    }

    public enum MqttProtocolVersion
    {
        Version_3_1 = 0x03,

        Version_3_1_1 = 0x04,

        Version_5 = 0x05,
    }
}
