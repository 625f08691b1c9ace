namespace M2M.Device.Core.Platform
{
    /// <summary>
    /// The MQTT 5 reason codes the device acts on (docs/protocol.md sections 9.2 to 9.4, MQTT 5 section
    /// 2.4), the two negative codes a transport uses for what has no reason code on the wire, and the
    /// classification of PUBACK codes that decides whether a message is kept or dropped (section 9.3).
    /// </summary>
    public static class MqttCodes
    {
        /// <summary>No CONNACK, or the connection dropped without a DISCONNECT (network, TLS, timeout).</summary>
        public const int NetworkError = -1;

        /// <summary>The transport gave up waiting for a PUBACK.</summary>
        public const int NotAcknowledged = -2;

        public const int Success = 0x00;
        public const int UnspecifiedError = 0x80;
        public const int MalformedPacket = 0x81;
        public const int ProtocolError = 0x82;
        public const int ImplementationSpecificError = 0x83;
        public const int UnsupportedProtocolVersion = 0x84;
        public const int ClientIdentifierNotValid = 0x85;
        public const int BadUserNameOrPassword = 0x86;
        public const int NotAuthorized = 0x87;
        public const int ServerUnavailable = 0x88;
        public const int ServerBusy = 0x89;
        public const int Banned = 0x8A;
        public const int ServerShuttingDown = 0x8B;
        public const int BadAuthenticationMethod = 0x8C;
        public const int KeepAliveTimeout = 0x8D;
        public const int SessionTakenOver = 0x8E;
        public const int TopicNameInvalid = 0x90;
        public const int PacketIdentifierInUse = 0x91;
        public const int ReceiveMaximumExceeded = 0x93;
        public const int TopicAliasInvalid = 0x94;
        public const int PacketTooLarge = 0x95;
        public const int QuotaExceeded = 0x97;
        public const int AdministrativeAction = 0x98;
        public const int PayloadFormatInvalid = 0x99;
        public const int RetainNotSupported = 0x9A;
        public const int QoSNotSupported = 0x9B;
        public const int ConnectionRateExceeded = 0x9F;
        public const int MaximumConnectTime = 0xA0;

        /// <summary>Reason codes of 0x80 and above are failures (MQTT 5 section 2.4), as is every transport code.</summary>
        public static bool IsFailure(int reasonCode)
        {
            return reasonCode >= 0x80 || reasonCode < 0;
        }

        /// <summary>
        /// A PUBACK that accepted the message: every code below 0x80 (0x00 Success, 0x10 No matching
        /// subscribers; MQTT 5 section 3.4.2.1).
        /// </summary>
        public static bool IsAccepted(int pubackCode)
        {
            return pubackCode >= 0 && pubackCode < 0x80;
        }

        /// <summary>
        /// A PUBACK that refuses the message itself, so that sending it again would be refused again
        /// (docs/protocol.md section 9.3: drop and count): 0x83, 0x87, 0x90 and 0x99. Every other failure
        /// (0x80, 0x91, 0x97, any code not listed, a PUBACK that never came) is transient: the message is
        /// kept and resent in order in the next session.
        /// </summary>
        public static bool IsDefinitiveRefusal(int pubackCode)
        {
            switch (pubackCode)
            {
                case ImplementationSpecificError:
                case NotAuthorized:
                case TopicNameInvalid:
                case PayloadFormatInvalid:
                    return true;
                default:
                    return false;
            }
        }
    }
}
