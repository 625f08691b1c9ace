// Declarations from github.com/nanoframework/nanoFramework.m2mqtt, M2Mqtt/Messages/ConnectionClosedRequestEventArgs.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System;

namespace nanoFramework.M2Mqtt.Messages
{
    public class ConnectionClosedRequestEventArgs : EventArgs
    {
        public MqttMsgDisconnect Message { get => throw null; private set => throw null; }
        public ConnectionClosedRequestEventArgs(MqttMsgDisconnect disconnect) { }
    }
}
