// Declarations from github.com/nanoframework/nanoFramework.m2mqtt, M2Mqtt/Messages/MqttMsgBase.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System.Collections;

namespace nanoFramework.M2Mqtt.Messages
{
    public abstract class MqttMsgBase
    {
        public bool DupFlag { get => throw null; set => throw null; }
        public MqttQoSLevel QosLevel { get => throw null; set => throw null; }
        public bool Retain { get => throw null; set => throw null; }
        public ushort MessageId { get => throw null; set => throw null; }
        public ArrayList UserProperties { get => throw null; internal set => throw null; }
        public uint MaximumPacketSize { get => throw null; set => throw null; }
        public abstract byte[] GetBytes(MqttProtocolVersion protocolVersion);
    }
}
