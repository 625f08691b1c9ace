namespace M2M.Device.Core.Platform
{
    /// <summary>
    /// An MQTT 5 client connection, shaped like nanoFramework.M2Mqtt's MqttClient so the ESP32
    /// adapter is thin: a synchronous Connect that returns the CONNACK reason code, a synchronous
    /// QoS 1 Publish that returns a packet id at once, and callbacks (on the transport's own thread)
    /// for PUBACKs, received PUBLISHes and the end of the connection. Keep-alive (PINGREQ, MQTT 5 section 3.1.2.10) is
    /// the transport's job. Methods return codes rather than throw.
    /// </summary>
    public interface IMqttTransport
    {
        /// <summary>Sets who hears PUBACKs and closed connections. Called once, before the first Connect.</summary>
        void SetListener(IMqttTransportListener listener);

        /// <summary>
        /// Opens the network connection and sends an MQTT 5 CONNECT with Clean Start = 1 (docs/protocol.md
        /// section 5.1). Returns the CONNACK reason code (0 = success, MQTT 5 section 3.2.2.2), or
        /// <see cref="MqttCodes.NetworkError"/> when no CONNACK was received (no route, TLS failure, timeout).
        /// </summary>
        int Connect(string clientId, string userName, string password, int keepAliveSeconds);

        /// <summary>
        /// Sends a QoS 1 PUBLISH (not retained) with an optional Content Type and MQTT 5 user properties
        /// (both arrays null, or of equal length). Returns the packet id its PUBACK will carry in
        /// <see cref="IMqttTransportListener.OnPublishAcknowledged"/>, or 0 (never a valid id, MQTT 5
        /// section 2.2.1) when it could not be sent because the connection is gone.
        /// </summary>
        ushort Publish(string topic, byte[] payload, string? contentType, string[]? propertyNames, string[]? propertyValues);

        /// <summary>
        /// Subscribes to <paramref name="topic"/> with maximum QoS 1 (MQTT 5 section 3.8) on the current
        /// connection; messages then arrive through <see cref="IMqttTransportListener.OnMessageReceived"/>.
        /// Returns false when the SUBSCRIBE could not be sent (the connection is gone).
        /// </summary>
        bool Subscribe(string topic);

        /// <summary>
        /// Sends DISCONNECT (normal disconnection) if connected and closes the network connection. The end of a
        /// connection the device closes itself is not reported to the listener.
        /// </summary>
        void Disconnect();
    }
}
