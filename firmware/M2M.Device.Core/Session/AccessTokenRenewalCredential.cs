using System;
using M2M.Device.Core.Tokens;

namespace M2M.Device.Core.Session
{
    /// <summary>
    /// Renews with a fresh access token from the token source (docs/protocol.md section 7.2), for
    /// devices that can fetch one while their MQTT session is open (PSRAM boards, external issuers).
    /// </summary>
    public sealed class AccessTokenRenewalCredential : IRenewalCredential
    {
        private readonly ITokenSource _tokens;
        // The expiry of the token last presented (at CONNECT or in-band), not the token itself: the
        // token source forgets a presented token (ITokenSource.Release), and so does this.
        private long _presentedExpiresAt;

        public AccessTokenRenewalCredential(ITokenSource tokens)
        {
            _tokens = tokens ?? throw new ArgumentNullException(nameof(tokens));
        }

        /// <inheritdoc />
        public string? Create()
        {
            _tokens.RefreshIfDue();
            var token = _tokens.AccessToken;

            // Only a token newer than the one already presented extends the deadline.
            if (_tokens.State != TokenState.Valid || token == null || _tokens.ExpiresAtUptime == _presentedExpiresAt)
            {
                return null;
            }

            _presentedExpiresAt = _tokens.ExpiresAtUptime;
            return token;
        }

        /// <inheritdoc />
        public long DeadlineAfterAcceptance(long nowUptime, long tokenLifetimeMilliseconds)
        {
            return _tokens.ExpiresAtUptime;
        }

        /// <inheritdoc />
        public void SessionOpened(string accessToken)
        {
            // Renewal waits for a token newer than the one the session was opened with.
            _presentedExpiresAt = _tokens.ExpiresAtUptime;
        }
    }
}
