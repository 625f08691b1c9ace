namespace M2M.Device.Core.Session
{
    /// <summary>
    /// What the device publishes to devices/{id}/auth to extend its session in-band (docs/protocol.md
    /// section 7.2): a fresh client assertion or a fresh access token.
    /// </summary>
    public interface IRenewalCredential
    {
        /// <summary>The JWT to publish now, or null when none can be had right now (the session retries later). Never logged.</summary>
        string? Create();

        /// <summary>
        /// The uptime at which the gateway will end the session after accepting the last credential
        /// created: <paramref name="nowUptime"/> + <paramref name="tokenLifetimeMilliseconds"/> for an
        /// assertion, the new token's expiry for an access token.
        /// </summary>
        long DeadlineAfterAcceptance(long nowUptime, long tokenLifetimeMilliseconds);

        /// <summary>Tells the credential which access token the new session was opened with.</summary>
        void SessionOpened(string accessToken);
    }
}
