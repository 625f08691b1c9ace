using System;
using System.Text;
using M2M.Device.Core.Crypto;
using M2M.Device.Core.Protocol;
using M2M.Device.Core.Storage;

namespace M2M.Device.Core.Tokens
{
    /// <summary>
    /// Builds the client credentials request (RFC 6749 section 4.4.2) for the credential's
    /// authentication method: the form body and, for client_secret_basic, the Authorization header.
    /// </summary>
    public sealed class TokenRequest
    {
        private TokenRequest(string body, string? authorization)
        {
            Body = body;
            Authorization = authorization;
        }

        /// <summary>The application/x-www-form-urlencoded body. Contains the assertion: never logged.</summary>
        public string Body { get; private set; }

        /// <summary>The Authorization header value, or null. Contains the secret: never logged.</summary>
        public string? Authorization { get; private set; }

        /// <summary>
        /// The request for <paramref name="credential"/>: with a client assertion issued by
        /// <paramref name="assertions"/> (ClientAssertion, ClientSecretJwt), or with HTTP Basic and
        /// client secret base64url(K_auth) (ClientSecretBasic, docs/protocol.md section 3.5).
        /// </summary>
        public static TokenRequest Build(DeviceCredential credential, AssertionIssuer assertions, byte[] authKey)
        {
            var body = new StringBuilder(512);
            body.Append("grant_type=");
            body.Append(ProtocolV1.ClientCredentialsGrant);
            string? authorization = null;
            if (credential.AuthMethod == TokenAuthMethod.ClientSecretBasic)
            {
                // RFC 6749 section 2.3.1: client id and secret are form-encoded, then joined by ':'.
                var userPass = FormEncode(credential.EffectiveClientId) + ":" + FormEncode(ClientSecret(authKey));
                authorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(userPass));
            }
            else
            {
                // RFC 7523 section 2.2; client_id is optional but lets servers find the client before
                // parsing the JWT (Keycloak needs it for client_secret_jwt).
                body.Append("&client_assertion_type=");
                body.Append(FormEncode(ProtocolV1.JwtBearerAssertionType));
                body.Append("&client_assertion=");
                body.Append(assertions.Create());
                body.Append("&client_id=");
                body.Append(FormEncode(credential.EffectiveClientId));
            }

            if (credential.Scope.Length != 0)
            {
                body.Append("&scope=");
                body.Append(FormEncode(credential.Scope));
            }

            return new TokenRequest(body.ToString(), authorization);
        }

        /// <summary>The client secret a standard identity provider holds for the device: base64url(K_auth) (section 3.5).</summary>
        public static string ClientSecret(byte[] authKey)
        {
            return Base64Url.Encode(authKey);
        }

        /// <summary>application/x-www-form-urlencoded (WHATWG URL, as RFC 6749 appendix B refers to): UTF-8, unreserved kept, space as '+'.</summary>
        public static string FormEncode(string value)
        {
            const string HexDigits = "0123456789ABCDEF";
            var bytes = Encoding.UTF8.GetBytes(value);
            var builder = new StringBuilder(bytes.Length * 3);
            for (var i = 0; i < bytes.Length; i++)
            {
                var b = bytes[i];
                if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '-' || b == '.' || b == '_' || b == '*')
                {
                    builder.Append((char)b);
                }
                else if (b == ' ')
                {
                    builder.Append('+');
                }
                else
                {
                    builder.Append('%');
                    builder.Append(HexDigits[b >> 4]);
                    builder.Append(HexDigits[b & 0xF]);
                }
            }

            return builder.ToString();
        }
    }
}
