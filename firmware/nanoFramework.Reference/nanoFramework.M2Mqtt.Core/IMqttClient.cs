// Declarations from github.com/nanoframework/nanoFramework.m2mqtt, nanoFramework.M2Mqtt.Core/IMqttClient.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System;
using System.Collections;
using nanoFramework.M2Mqtt.Messages;

namespace nanoFramework.M2Mqtt
{
    public interface IMqttClient
    {
        public bool IsConnected { get; }
        void Init(string brokerHostName, int brokerPort, bool secure, byte[] caCert, byte[] clientCert, MqttSslProtocols sslProtocol);
        public MqttReasonCode Connect(string clientId, string username, string password, bool willRetain, MqttQoSLevel willQosLevel, bool willFlag, string willTopic, string willMessage, bool cleanSession, ushort keepAlivePeriod);
        public void Disconnect();
        public ushort Subscribe(string[] topics, MqttQoSLevel[] qosLevels);
        public ushort Unsubscribe(string[] topics);
        public ushort Publish(string topic, byte[] message, string contentType, ArrayList userProperties, MqttQoSLevel qosLevel, bool retain);
        public ushort Publish(string topic, byte[] message, string contentType);
        public ushort Publish(string topic, byte[] message);
        public void Close();
        public delegate void MqttMsgPublishEventHandler(object sender, MqttMsgPublishEventArgs e);
        public event IMqttClient.MqttMsgPublishEventHandler MqttMsgPublishReceived;
        public delegate void MqttMsgPublishedEventHandler(object sender, MqttMsgPublishedEventArgs e);
        public event MqttMsgPublishedEventHandler MqttMsgPublished;
        public delegate void MqttMsgSubscribedEventHandler(object sender, MqttMsgSubscribedEventArgs e);
        public event MqttMsgSubscribedEventHandler MqttMsgSubscribed;
        public delegate void MqttMsgUnsubscribedEventHandler(object sender, MqttMsgUnsubscribedEventArgs e);
        public event MqttMsgUnsubscribedEventHandler MqttMsgUnsubscribed;
        public delegate void ConnectionClosedEventHandler(object sender, EventArgs e);
        public event ConnectionClosedEventHandler ConnectionClosed;
    }
}
