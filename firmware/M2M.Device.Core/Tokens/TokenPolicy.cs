namespace M2M.Device.Core.Tokens
{
    /// <summary>
    /// The token client's timings, in milliseconds unless named otherwise. The defaults follow
    /// docs/protocol.md sections 3.2, 7.2 and 9.1.
    /// </summary>
    public sealed class TokenPolicy
    {
        /// <summary>Renewal happens at a random point between these fractions (per mille) of the token lifetime (section 7.2: 75 to 85 %).</summary>
        public int RenewFromPermille { get; set; } = 750;

        /// <summary>Upper end of the renewal window, per mille of the lifetime.</summary>
        public int RenewToPermille { get; set; } = 850;

        /// <summary>First back-off after a network, 5xx or 429 failure; it doubles with each further failure.</summary>
        public long BackoffBase { get; set; } = 2000;

        /// <summary>Longest back-off after network or server failures.</summary>
        public long BackoffCap { get; set; } = 300000;

        /// <summary>Wait after invalid_client before trying again (an operator may re-enable the device).</summary>
        public long RefusedRetry { get; set; } = 3600000;

        /// <summary>Longest Retry-After honoured, so a wrong header cannot park the device for days.</summary>
        public long RetryAfterCap { get; set; } = 3600000;

        /// <summary>Difference between the server's Date and the device clock beyond which an assertion refusal is blamed on the clock.</summary>
        public long ClockTolerance { get; set; } = 30000;

        /// <summary>Assertion lifetime, seconds (section 3.2 allows at most 300).</summary>
        public int AssertionLifetimeSeconds { get; set; } = 120;

        /// <summary>Lifetime assumed when a response has no expires_in (RFC 6749 section 5.1 makes it optional), seconds.</summary>
        public int DefaultTokenLifetimeSeconds { get; set; } = 300;
    }
}
