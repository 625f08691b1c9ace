// Declarations from github.com/nanoframework/nanoFramework.m2mqtt, nanoFramework.M2Mqtt.Core/Messages/MqttMsgPublishEventArgs.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System;

namespace nanoFramework.M2Mqtt.Messages
{
    public class MqttMsgPublishEventArgs : EventArgs
    {
        public string Topic { get => throw null; internal set => throw null; }
        public byte[] Message { get => throw null; internal set => throw null; }
        public bool DupFlag { get => throw null; internal set => throw null; }
        public MqttQoSLevel QosLevel { get => throw null; internal set => throw null; }
        public bool Retain { get => throw null; internal set => throw null; }
        public MqttMsgPublishEventArgs(string topic, byte[] message, bool dupFlag, MqttQoSLevel qosLevel, bool retain) { }
    }
}
