namespace M2M.Device.Core.Platform
{
    /// <summary>
    /// What a <see cref="IMqttTransport"/> reports, from its own receive thread. Implementations must
    /// return quickly and never call back into the transport.
    /// </summary>
    public interface IMqttTransportListener
    {
        /// <summary>
        /// A PUBLISH was answered: <paramref name="reasonCode"/> is the PUBACK reason code (MQTT 5 section
        /// 3.4.2.1; 0 accepted, 0x80 and above refused), or <see cref="MqttCodes.NotAcknowledged"/> when the
        /// transport gave up waiting for it.
        /// </summary>
        void OnPublishAcknowledged(ushort packetId, int reasonCode);

        /// <summary>
        /// A PUBLISH arrived on a subscribed topic (its user properties are not passed: nanoFramework's
        /// M2Mqtt does not expose them, so the protocol carries everything in the payload, section 11).
        /// </summary>
        void OnMessageReceived(string topic, byte[] payload);

        /// <summary>
        /// The connection ended: <paramref name="reasonCode"/> is the reason code of the server's DISCONNECT
        /// (MQTT 5 section 3.14.2.1), or <see cref="MqttCodes.NetworkError"/> when the connection was lost
        /// without one.
        /// </summary>
        void OnConnectionClosed(int reasonCode);
    }
}
