using System;
using System.Text;
using M2M.Device.Core.Crypto;
using M2M.Device.Core.Tests.Fakes;
using M2M.Device.Core.Tokens;
using nanoFramework.TestFramework;

namespace M2M.Device.Core.Tests
{
    /// <summary>
    /// Against Keycloak or authentik the device authenticates with client_secret_basic or
    /// client_secret_jwt, its client secret being base64url(K_auth) (docs/protocol.md section 3.5).
    /// </summary>
    [TestClass]
    public class TokenClientSpeaksToStandardIdentityProvidersTests
    {
        [TestMethod]
        public void ClientSecretBasicSendsTheSecretInTheAuthorizationHeaderOnly()
        {
            var bench = new TokenTestBench(TokenTestBench.Start, TokenAuthMethod.ClientSecretBasic);
            bench.Credential.Scope = "telemetry write";
            bench.Http.Answer(200, TokenTestBench.TokenJson, null);

            Assert.IsTrue(bench.Client.RefreshIfDue());

            var secret = Base64Url.Encode(Hex.Decode(ProtocolTestVectors.AuthKeyHex));
            Assert.AreEqual("EajUy-A6BL9XWYDUReLq9s77Mlxyeqcr5UGI7lT_YZ8", secret);
            Assert.AreEqual("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("sensor-0001:" + secret)), bench.Http.Authorization(0));
            Assert.AreEqual("grant_type=client_credentials&scope=telemetry+write", bench.Http.Body(0));
        }

        [TestMethod]
        public void ClientSecretBasicFormEncodesTheClientId()
        {
            var bench = new TokenTestBench(TokenTestBench.Start, TokenAuthMethod.ClientSecretBasic);
            bench.Credential.ClientId = "realm:device/1";
            bench.Http.Answer(200, TokenTestBench.TokenJson, null);

            bench.Client.RefreshIfDue();

            var secret = Base64Url.Encode(bench.Keys.AuthKey);
            Assert.AreEqual("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("realm%3Adevice%2F1:" + secret)), bench.Http.Authorization(0));
        }

        [TestMethod]
        public void ClientSecretJwtSignsWithTheClientSecretsBytes()
        {
            var bench = new TokenTestBench(TokenTestBench.Start, TokenAuthMethod.ClientSecretJwt);
            bench.Http.Answer(200, TokenTestBench.TokenJson, null);

            bench.Client.RefreshIfDue();

            var assertion = TokenTestBench.FormValue(bench.Http.Body(0), "client_assertion")!;
            var secretBytes = Encoding.UTF8.GetBytes(Base64Url.Encode(bench.Keys.AuthKey));
            Assert.IsTrue(TokenTestBench.SignedWith(assertion, secretBytes));
            Assert.IsFalse(TokenTestBench.SignedWith(assertion, bench.Keys.AuthKey));
            Assert.IsNull(bench.Http.Authorization(0));
        }
    }
}
