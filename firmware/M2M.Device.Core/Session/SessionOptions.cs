namespace M2M.Device.Core.Session
{
    /// <summary>Tunables of <see cref="SessionManager"/>; the defaults suit an ESP32 without PSRAM.</summary>
    public sealed class SessionOptions
    {
        /// <summary>MQTT Keep Alive in seconds (docs/protocol.md section 5.1, default 60); the transport sends PINGREQ.</summary>
        public int KeepAliveSeconds { get; set; } = 60;

        /// <summary>Telemetry PUBLISHes awaiting their PUBACK at once; bounds the transport's memory.</summary>
        public int InflightWindow { get; set; } = 4;

        /// <summary>First reconnect delay; doubled at each failed attempt (with jitter) up to <see cref="MaxBackoffMilliseconds"/>.</summary>
        public int InitialBackoffMilliseconds { get; set; } = 1000;

        /// <summary>Longest exponential back-off.</summary>
        public int MaxBackoffMilliseconds { get; set; } = 300000;

        /// <summary>Wait after DISCONNECT 0x8E: another instance holds the identity (section 9.4).</summary>
        public int TakeoverBackoffMilliseconds { get; set; } = 600000;

        /// <summary>Wait after DISCONNECT 0x98: the operator disabled, deleted or rotated the device (section 9.4).</summary>
        public int AdministrativeBackoffMilliseconds { get; set; } = 300000;

        /// <summary>Wait in <see cref="SessionState.Refused"/> before trying again.</summary>
        public int RefusedRetryMilliseconds { get; set; } = 3600000;

        /// <summary>Wait before trying a renewal again when no credential could be had or its PUBACK was lost.</summary>
        public int RenewalRetryMilliseconds { get; set; } = 30000;

        /// <summary>Renewal time as a share of the token lifetime, lower bound in percent (section 7.2: 75 to 85 %, with jitter).</summary>
        public int RenewalPercentMin { get; set; } = 75;

        /// <summary>Upper bound in percent of the renewal time.</summary>
        public int RenewalPercentMax { get; set; } = 85;

        /// <summary>Longest sleep <see cref="SessionManager.Step"/> asks for when nothing is due (transport events wake it earlier).</summary>
        public int MaxIdleMilliseconds { get; set; } = 60000;
    }
}
