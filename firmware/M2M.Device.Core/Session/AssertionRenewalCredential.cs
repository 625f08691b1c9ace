using System;
using M2M.Device.Core.Crypto;
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
        private const int JwtIdBytes = 16;

        private readonly string _deviceId;
        private readonly string _audience;
        private readonly byte[] _authKey;
        private readonly IHmacSha256 _hmac;
        private readonly DeviceClock _clock;
        private readonly IRandom _random;

        /// <summary><paramref name="audience"/> is the token endpoint URL (section 3.2).</summary>
        public AssertionRenewalCredential(string deviceId, string audience, byte[] authKey, IHmacSha256 hmac, DeviceClock clock, IRandom random)
        {
            _deviceId = deviceId ?? throw new ArgumentNullException(nameof(deviceId));
            _audience = audience ?? throw new ArgumentNullException(nameof(audience));
            _authKey = authKey ?? throw new ArgumentNullException(nameof(authKey));
            _hmac = hmac ?? throw new ArgumentNullException(nameof(hmac));
            _clock = clock ?? throw new ArgumentNullException(nameof(clock));
            _random = random ?? throw new ArgumentNullException(nameof(random));
        }

        /// <inheritdoc />
        public string? Create()
        {
            // Section 3.2: a unique jti (16 random bytes), and the longest lifetime allowed, as the
            // gateway may hold the PUBLISH briefly.
            var jti = new byte[JwtIdBytes];
            _random.NextBytes(jti);
            var issuedAt = _clock.UnixTimeSeconds;
            return ClientAssertion.Create(_deviceId, _audience, Base64Url.Encode(jti), issuedAt, issuedAt + ProtocolV1.MaxAssertionLifetimeSeconds, _authKey, _hmac);
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
