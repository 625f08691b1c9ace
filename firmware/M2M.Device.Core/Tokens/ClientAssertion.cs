using System;
using System.Text;
using M2M.Device.Core.Crypto;
using M2M.Device.Core.Platform;
using M2M.Device.Core.Protocol;

namespace M2M.Device.Core.Tokens
{
    /// <summary>
    /// The JWT client assertion a device authenticates its token request with (RFC 7523 sections 2.2
    /// and 3; docs/protocol.md section 3.2): HS256 under K_auth, iss = sub = device id,
    /// aud = token endpoint, a unique jti, iat and exp.
    /// </summary>
    public static class ClientAssertion
    {
        // RFC 7515 section 4.1: the header is fixed, so its encoding is a constant.
        private const string HeaderJson = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";

        /// <summary>
        /// Builds the compact JWS. The claims are written in a fixed order (iss, sub, aud, jti, iat,
        /// exp) so the bytes are reproducible; the gateway does not depend on the order.
        /// </summary>
        public static string Create(string deviceId, string audience, string jwtId, long issuedAt, long expiresAt, byte[] authKey, IHmacSha256 hmac)
        {
            if (authKey == null)
            {
                throw new ArgumentNullException(nameof(authKey));
            }

            if (hmac == null)
            {
                throw new ArgumentNullException(nameof(hmac));
            }

            var payload = new StringBuilder(256);
            payload.Append("{\"iss\":");
            JsonText.AppendString(payload, deviceId);
            payload.Append(",\"sub\":");
            JsonText.AppendString(payload, deviceId);
            payload.Append(",\"aud\":");
            JsonText.AppendString(payload, audience);
            payload.Append(",\"jti\":");
            JsonText.AppendString(payload, jwtId);
            payload.Append(",\"iat\":");
            payload.Append(issuedAt.ToString());
            payload.Append(",\"exp\":");
            payload.Append(expiresAt.ToString());
            payload.Append('}');

            var signingInput = Base64Url.Encode(Encoding.UTF8.GetBytes(HeaderJson)) + "." + Base64Url.Encode(Encoding.UTF8.GetBytes(payload.ToString()));
            var signature = hmac.Compute(authKey, Encoding.UTF8.GetBytes(signingInput));
            return signingInput + "." + Base64Url.Encode(signature);
        }
    }
}
