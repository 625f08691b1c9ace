using System;
using M2M.Device.Core.Crypto;
using M2M.Device.Core.Platform;
using M2M.Device.Core.Time;

namespace M2M.Device.Core.Tokens
{
    /// <summary>
    /// Issues fresh client assertions (docs/protocol.md section 3.2): iss = sub = the client id,
    /// aud = the token endpoint, a jti of 16 random bytes in base64url, iat = the device's time, exp a
    /// short lifetime later. Used for token requests and for in-band renewal (section 7.2).
    /// </summary>
    public sealed class AssertionIssuer
    {
        private readonly string _clientId;
        private readonly string _audience;
        private readonly byte[] _key;
        private readonly IHmacSha256 _hmac;
        private readonly IRandom _random;
        private readonly DeviceClock _clock;
        private readonly int _lifetimeSeconds;

        public AssertionIssuer(string clientId, string audience, byte[] key, IHmacSha256 hmac, IRandom random, DeviceClock clock, int lifetimeSeconds)
        {
            if (key == null || hmac == null || random == null || clock == null)
            {
                throw new ArgumentNullException(key == null ? nameof(key) : hmac == null ? nameof(hmac) : random == null ? nameof(random) : nameof(clock));
            }

            if (lifetimeSeconds <= 0 || lifetimeSeconds > Protocol.ProtocolV1.MaxAssertionLifetimeSeconds)
            {
                throw new ArgumentOutOfRangeException(nameof(lifetimeSeconds));
            }

            _clientId = clientId;
            _audience = audience;
            _key = key;
            _hmac = hmac;
            _random = random;
            _clock = clock;
            _lifetimeSeconds = lifetimeSeconds;
        }

        /// <summary>A new assertion with a new jti, valid from now for the configured lifetime.</summary>
        public string Create()
        {
            var jti = new byte[16];
            _random.NextBytes(jti);
            var issuedAt = _clock.UnixTimeSeconds;
            return ClientAssertion.Create(_clientId, _audience, Base64Url.Encode(jti), issuedAt, issuedAt + _lifetimeSeconds, _key, _hmac);
        }
    }
}
