// Declarations from github.com/nanoframework/nanoFramework.m2mqtt, nanoFramework.M2Mqtt.Core/Messages/MqttMsgPublishedEventArgs.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System;

namespace nanoFramework.M2Mqtt.Messages
{
    public class MqttMsgPublishedEventArgs : EventArgs
    {
        public ushort MessageId { get => throw null; set => throw null; }
        public bool IsPublished { get => throw null; set => throw null; }
        public MqttMsgPublishedEventArgs(ushort messageId) { }
        public MqttMsgPublishedEventArgs(ushort messageId, bool isPublished) { }
    }
}
