// Declarations from github.com/nanoframework/nanoFramework.m2mqtt, nanoFramework.M2Mqtt.Core/Messages/MqttMsgUnsubscribedEventArgs.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System;

namespace nanoFramework.M2Mqtt.Messages
{
    public class MqttMsgUnsubscribedEventArgs : EventArgs
    {
        public ushort MessageId { get => throw null; }
    public MqttMsgUnsubscribedEventArgs(ushort messageId) { }
    }
}
