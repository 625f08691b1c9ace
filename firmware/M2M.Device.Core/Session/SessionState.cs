namespace M2M.Device.Core.Session
{
    /// <summary>The states of <see cref="SessionManager"/> (diagram in firmware/M2M.Device.Core/README.md).</summary>
    public enum SessionState
    {
        /// <summary>Setting the clock (SNTP) once at start; TLS and token times need it.</summary>
        SyncingTime,

        /// <summary>Waiting for a valid access token from the token source.</summary>
        GettingToken,

        /// <summary>Sending CONNECT with the access token.</summary>
        Connecting,

        /// <summary>CONNACK 0x00: draining the outbox, renewing in-band before the deadline.</summary>
        Connected,

        /// <summary>Waiting before the next attempt (exponential back-off with jitter, or a fixed longer wait).</summary>
        BackingOff,

        /// <summary>
        /// The credential or the CONNECT itself was refused (invalid_client, or a CONNACK of the "stop" kind:
        /// 0x81, 0x82, 0x84, 0x85, 0x8A..., docs/protocol.md section 9.2): retrying soon would not help; the
        /// device reports it and tries again only after a long wait.
        /// </summary>
        Refused,

        /// <summary>Stopped by the application (<see cref="SessionManager.Stop"/>, performed by the next step).</summary>
        Stopped,
    }
}
