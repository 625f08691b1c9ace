using System;
using M2M.Device.Core.Platform;
using M2M.Device.Core.Protocol;
using M2M.Device.Core.Time;
using M2M.Device.Core.Tokens;

namespace M2M.Device.Core.Session
{
    /// <summary>
    /// Renews with a fresh client assertion (docs/protocol.md sections 3.2 and 7.2), built on the device
    /// from K_auth without any network round trip: the way a board without PSRAM, which holds one TLS
    /// socket at a time, keeps its MQTT session (section 7.3).
    /// </summary>
    public sealed class AssertionRenewalCredential : IRenewalCredential
    {
        private readonly AssertionIssuer _assertions;

        /// <summary>
        /// <paramref name="audience"/> is the token endpoint URL the device gets its tokens from (section
        /// 7.2): the gateway's, or a trusted external issuer's; the key is K_auth either way.
        /// </summary>
        public AssertionRenewalCredential(string deviceId, string audience, byte[] authKey, IHmacSha256 hmac, DeviceClock clock, IRandom random)
        {
            // Section 3.2: a unique jti (16 random bytes), and the longest lifetime allowed, as the
            // gateway may hold the PUBLISH briefly.
            _assertions = new AssertionIssuer(
                deviceId ?? throw new ArgumentNullException(nameof(deviceId)),
                audience ?? throw new ArgumentNullException(nameof(audience)),
                authKey,
                hmac,
                random,
                clock,
                ProtocolV1.MaxAssertionLifetimeSeconds);
        }

        /// <inheritdoc />
        public string? Create()
        {
            return _assertions.Create();
        }

        /// <inheritdoc />
        public long DeadlineAfterAcceptance(long nowUptime, long tokenLifetimeMilliseconds)
        {
            return nowUptime + tokenLifetimeMilliseconds;
        }

        /// <inheritdoc />
        public void SessionOpened(string accessToken)
        {
            // Every assertion is fresh; nothing to remember.
        }
    }
}
