using System;
using System.Collections;
using M2M.Device.Core.Platform;

namespace M2M.Device.Core.Tests.Fakes
{
    /// <summary>
    /// An MQTT transport in memory: records every CONNECT and PUBLISH, answers CONNECT with the codes
    /// the test queued (success when none), and lets the test deliver PUBACKs and closed connections.
    /// </summary>
    public sealed class InMemoryMqttTransport : IMqttTransport
    {
        private readonly Queue _connackCodes = new Queue();
        private IMqttTransportListener _listener = null!;
        private ushort _lastPacketId;

        /// <summary>Every CONNECT, as <see cref="ConnectRecord"/>.</summary>
        public ArrayList Connects { get; } = new ArrayList();

        /// <summary>Every topic subscribed to, in order.</summary>
        public ArrayList Subscriptions { get; } = new ArrayList();

        /// <summary>Every PUBLISH, as <see cref="PublishRecord"/>.</summary>
        public ArrayList Published { get; } = new ArrayList();

        public bool IsConnected { get; private set; }

        public int Disconnects { get; private set; }

        /// <summary>When true, Publish fails as on a dead connection (returns 0).</summary>
        public bool FailPublish { get; set; }

        /// <summary>
        /// Runs once inside the next Connect, before it returns: what another thread does while a real
        /// CONNECT blocks, as a fixed interleaving instead of a race.
        /// </summary>
        public Action? DuringConnect { get; set; }

        public void QueueConnack(int reasonCode)
        {
            _connackCodes.Enqueue(reasonCode);
        }

        public void SetListener(IMqttTransportListener listener)
        {
            _listener = listener;
        }

        public int Connect(string clientId, string userName, string password, int keepAliveSeconds)
        {
            Connects.Add(new ConnectRecord(clientId, userName, password, keepAliveSeconds));
            var during = DuringConnect;
            DuringConnect = null;
            if (during != null)
            {
                during();
            }

            var code = _connackCodes.Count == 0 ? MqttCodes.Success : (int)_connackCodes.Dequeue()!;
            IsConnected = code == MqttCodes.Success;
            return code;
        }

        public ushort Publish(string topic, byte[] payload, string? contentType, string[]? propertyNames, string[]? propertyValues)
        {
            if (!IsConnected || FailPublish)
            {
                return 0;
            }

            _lastPacketId = (ushort)(_lastPacketId == ushort.MaxValue ? 1 : _lastPacketId + 1);
            Published.Add(new PublishRecord(_lastPacketId, topic, payload, contentType, propertyNames, propertyValues));
            return _lastPacketId;
        }

        public bool Subscribe(string topic)
        {
            if (!IsConnected)
            {
                return false;
            }

            Subscriptions.Add(topic);
            return true;
        }

        /// <summary>The gateway sends a PUBLISH to the device.</summary>
        public void Deliver(string topic, byte[] payload)
        {
            _listener.OnMessageReceived(topic, payload);
        }

        public void Disconnect()
        {
            Disconnects++;
            IsConnected = false;
        }

        /// <summary>The gateway answers a PUBLISH.</summary>
        public void Acknowledge(ushort packetId, int reasonCode)
        {
            _listener.OnPublishAcknowledged(packetId, reasonCode);
        }

        /// <summary>The connection ends: a server DISCONNECT with its reason code, or <see cref="MqttCodes.NetworkError"/>.</summary>
        public void Close(int reasonCode)
        {
            IsConnected = false;
            _listener.OnConnectionClosed(reasonCode);
        }

        public PublishRecord LastPublished()
        {
            return (PublishRecord)Published[Published.Count - 1]!;
        }

        public PublishRecord PublishedAt(int index)
        {
            return (PublishRecord)Published[index]!;
        }

        public ConnectRecord LastConnect()
        {
            return (ConnectRecord)Connects[Connects.Count - 1]!;
        }
    }

    /// <summary>One CONNECT.</summary>
    public sealed class ConnectRecord
    {
        public ConnectRecord(string clientId, string userName, string password, int keepAliveSeconds)
        {
            ClientId = clientId;
            UserName = userName;
            Password = password;
            KeepAliveSeconds = keepAliveSeconds;
        }

        public string ClientId { get; private set; }

        public string UserName { get; private set; }

        public string Password { get; private set; }

        public int KeepAliveSeconds { get; private set; }
    }

    /// <summary>One PUBLISH.</summary>
    public sealed class PublishRecord
    {
        public PublishRecord(ushort packetId, string topic, byte[] payload, string? contentType, string[]? propertyNames, string[]? propertyValues)
        {
            PacketId = packetId;
            Topic = topic;
            Payload = payload;
            ContentType = contentType;
            PropertyNames = propertyNames;
            PropertyValues = propertyValues;
        }

        public ushort PacketId { get; private set; }

        public string Topic { get; private set; }

        public byte[] Payload { get; private set; }

        public string? ContentType { get; private set; }

        public string[]? PropertyNames { get; private set; }

        public string[]? PropertyValues { get; private set; }

        /// <summary>The value of the named user property, or null.</summary>
        public string? Property(string name)
        {
            if (PropertyNames == null || PropertyValues == null)
            {
                return null;
            }

            for (var i = 0; i < PropertyNames.Length; i++)
            {
                if (PropertyNames[i] == name)
                {
                    return PropertyValues[i];
                }
            }

            return null;
        }
    }
}
