// Declarations from github.com/nanoframework/nanoFramework.m2mqtt, M2Mqtt/Messages/MqttMsgDisconnect.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace nanoFramework.M2Mqtt.Messages
{
    public class MqttMsgDisconnect : MqttMsgBase
    {
        public uint SessionExpiryInterval { get => throw null; set => throw null; }
        public string Reason { get => throw null; set => throw null; }
        public string ServerReference { get => throw null; set => throw null; }
        public MqttReasonCode ResonCode { get => throw null; set => throw null; }
        public MqttMsgDisconnect() { }
        public override byte[] GetBytes(MqttProtocolVersion protocolVersion) => throw null;
        public override string ToString() => throw null;
    }
}
