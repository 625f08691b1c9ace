// Declarations from github.com/nanoframework/nanoFramework.m2mqtt, M2Mqtt/MqttSettings.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace nanoFramework.M2Mqtt
{
    public class MqttSettings
    {
        public const int BrokerDefaultPort = 1883;
        public const int BrokerDefaultSslPort = 8883;
        public const int DefaultTimeout = 30_000;
        public const int MaximumAttemptsRetry = 3;
        public const int DefaultDelayRetry = 1_000;
        public const int ConnectTimeout = 30_000;
        public const int DefaultInflightQueueSize = int.MaxValue;
        public int Port { get => throw null; internal set => throw null; }
        public int SslPort { get => throw null; internal set => throw null; }
        public int TimeoutOnConnection { get => throw null; internal set => throw null; }
        public int TimeoutOnReceiving { get => throw null; internal set => throw null; }
        public int AttemptsOnRetry { get => throw null; internal set => throw null; }
        public int DelayOnRetry { get => throw null; internal set => throw null; }
        public int InflightQueueSize { get => throw null; set => throw null; }
        public bool ValidateServerCertificate { get => throw null; set => throw null; }
        public static MqttSettings Instance => throw null;
    }
}
