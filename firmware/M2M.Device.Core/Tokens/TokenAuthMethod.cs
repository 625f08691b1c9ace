namespace M2M.Device.Core.Tokens
{
    /// <summary>
    /// How the device authenticates its token request. The numbers are stored in the credential record
    /// (docs/device-credential.md), so they never change.
    /// </summary>
    public enum TokenAuthMethod
    {
        /// <summary>The protocol's JWT client assertion, HS256 under K_auth (docs/protocol.md section 3.2; RFC 7523).</summary>
        ClientAssertion = 1,

        /// <summary>
        /// HTTP Basic with client id and client secret = base64url(K_auth) (RFC 6749 section 2.3.1;
        /// docs/protocol.md section 3.5), for Keycloak, authentik and other standard servers.
        /// </summary>
        ClientSecretBasic = 2,

        /// <summary>
        /// client_secret_jwt: the same assertion, its HMAC key being the UTF-8 bytes of the client
        /// secret base64url(K_auth) (OpenID Connect Core section 9; docs/protocol.md section 3.5).
        /// </summary>
        ClientSecretJwt = 3,
    }
}
