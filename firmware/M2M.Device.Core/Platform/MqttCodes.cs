namespace M2M.Device.Core.Platform
{
    /// <summary>
    /// The MQTT 5 reason codes the device acts on (docs/protocol.md sections 9.2 to 9.4, MQTT 5 section
    /// 2.4), and the two negative codes a transport uses for what has no reason code on the wire.
    /// </summary>
    public static class MqttCodes
    {
        /// <summary>No CONNACK, or the connection dropped without a DISCONNECT (network, TLS, timeout).</summary>
        public const int NetworkError = -1;

        /// <summary>The transport gave up waiting for a PUBACK.</summary>
        public const int NotAcknowledged = -2;

        public const int Success = 0x00;
        public const int ImplementationSpecificError = 0x83;
        public const int UnsupportedProtocolVersion = 0x84;
        public const int ClientIdentifierNotValid = 0x85;
        public const int BadUserNameOrPassword = 0x86;
        public const int NotAuthorized = 0x87;
        public const int ServerUnavailable = 0x88;
        public const int BadAuthenticationMethod = 0x8C;
        public const int KeepAliveTimeout = 0x8D;
        public const int SessionTakenOver = 0x8E;
        public const int PacketTooLarge = 0x95;
        public const int QuotaExceeded = 0x97;
        public const int AdministrativeAction = 0x98;
        public const int ConnectionRateExceeded = 0x9F;
        public const int MaximumConnectTime = 0xA0;

        /// <summary>Reason codes of 0x80 and above are failures (MQTT 5 section 2.4).</summary>
        public static bool IsFailure(int reasonCode)
        {
            return reasonCode >= 0x80 || reasonCode < 0;
        }
    }
}
