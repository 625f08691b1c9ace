// Declarations from github.com/nanoframework/nanoFramework.m2mqtt, nanoFramework.M2Mqtt.Core/Messages/MqttMsgSubscribedEventArgs.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System;

namespace nanoFramework.M2Mqtt.Messages
{
    public class MqttMsgSubscribedEventArgs : EventArgs
    {
        public ushort MessageId { get => throw null; internal set => throw null; }
        public MqttQoSLevel[] GrantedQoSLevels { get => throw null; internal set => throw null; }
    public MqttMsgSubscribedEventArgs(ushort messageId, MqttQoSLevel[] grantedQosLevels) { }
    }
}
