using M2M.Device.Core.Tests.Fakes;
using M2M.Device.Core.Tokens;
using nanoFramework.TestFramework;

namespace M2M.Device.Core.Tests
{
    /// <summary>
    /// The token client asks with a fresh client assertion (docs/protocol.md section 3), keeps the token
    /// until it expires and schedules its renewal at 75-85 % of the lifetime (section 7.2).
    /// </summary>
    [TestClass]
    public class TokenClientObtainsAndRenewsTokensTests
    {
        [TestMethod]
        public void TheRequestCarriesAFreshAssertionForTheTokenEndpoint()
        {
            var bench = new TokenTestBench(TokenTestBench.Start, TokenAuthMethod.ClientAssertion);
            bench.Http.Answer(200, TokenTestBench.TokenJson, TokenTestBench.StartDate);

            Assert.IsTrue(bench.Client.RefreshIfDue());

            var body = bench.Http.Body(0);
            Assert.AreEqual(TestCredentials.TokenEndpoint, bench.Http.Url(0));
            Assert.IsNull(bench.Http.Authorization(0));
            Assert.AreEqual("client_credentials", TokenTestBench.FormValue(body, "grant_type"));
            Assert.AreEqual("urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer", TokenTestBench.FormValue(body, "client_assertion_type"));
            Assert.AreEqual(ProtocolTestVectors.DeviceId, TokenTestBench.FormValue(body, "client_id"));
            Assert.IsNull(TokenTestBench.FormValue(body, "scope"));
            var assertion = TokenTestBench.FormValue(body, "client_assertion")!;
            Assert.IsTrue(TokenTestBench.SignedWith(assertion, bench.Keys.AuthKey));
            Assert.AreEqual(
                "{\"iss\":\"sensor-0001\",\"sub\":\"sensor-0001\",\"aud\":\"" + TestCredentials.TokenEndpoint + "\",\"jti\":\"AQIDBAUGBwgJCgsMDQ4PEA\",\"iat\":1767225600,\"exp\":1767225720}",
                TokenTestBench.Claims(assertion));
        }

        [TestMethod]
        public void ATokenIsHeldUntilItExpires()
        {
            var bench = new TokenTestBench(TokenTestBench.Start, TokenAuthMethod.ClientAssertion);
            bench.Http.Answer(200, TokenTestBench.TokenJson, null);
            bench.Platform.Advance(5000);

            bench.Client.RefreshIfDue();

            Assert.AreEqual((int)TokenState.Valid, (int)bench.Client.State);
            Assert.AreEqual("eyJhbGciOiJFUzI1NiJ9.e30.sig", bench.Client.AccessToken);
            Assert.AreEqual(5000 + 3600000, bench.Client.ExpiresAtUptime);
            Assert.IsNull(bench.Client.LastError);
            bench.Platform.Advance(3600000 - 1);
            Assert.IsNotNull(bench.Client.AccessToken);
            bench.Platform.Advance(1);
            Assert.IsNull(bench.Client.AccessToken);
        }

        [TestMethod]
        public void RenewalIsScheduledAtTheEarlyEndOfTheWindowWithTheLowestJitter()
        {
            var bench = new TokenTestBench(TokenTestBench.Start, TokenAuthMethod.ClientAssertion);
            bench.Http.Answer(200, TokenTestBench.TokenJson, null);

            bench.Client.RefreshIfDue();

            Assert.AreEqual(3600000L * 750 / 1000, bench.Client.NextRefreshUptime);
        }

        [TestMethod]
        public void RenewalIsScheduledAtTheLateEndOfTheWindowWithTheHighestJitter()
        {
            var bench = new TokenTestBench(TokenTestBench.Start, TokenAuthMethod.ClientAssertion);
            bench.Random.High = true;
            bench.Http.Answer(200, TokenTestBench.TokenJson, null);

            bench.Client.RefreshIfDue();

            Assert.AreEqual(3600000L * 850 / 1000, bench.Client.NextRefreshUptime);
        }

        [TestMethod]
        public void NothingIsSentBeforeTheRenewalTimeAndANewAssertionAfterIt()
        {
            var bench = new TokenTestBench(TokenTestBench.Start, TokenAuthMethod.ClientAssertion);
            bench.Http.Answer(200, TokenTestBench.TokenJson, null);
            bench.Http.Answer(200, TokenTestBench.TokenJson.Replace("e30", "e31"), null);
            bench.Client.RefreshIfDue();

            bench.Platform.Advance(bench.Client.NextRefreshUptime - 1);
            Assert.IsFalse(bench.Client.RefreshIfDue());
            Assert.AreEqual(1, bench.Http.Count);

            bench.Platform.Advance(1);
            Assert.IsTrue(bench.Client.RefreshIfDue());
            Assert.AreEqual(2, bench.Http.Count);
            Assert.AreEqual("eyJhbGciOiJFUzI1NiJ9.e31.sig", bench.Client.AccessToken);
            Assert.AreNotEqual(TokenTestBench.FormValue(bench.Http.Body(0), "client_assertion"), TokenTestBench.FormValue(bench.Http.Body(1), "client_assertion"));
        }

        [TestMethod]
        public void InvalidateAsksForANewTokenAtOnce()
        {
            var bench = new TokenTestBench(TokenTestBench.Start, TokenAuthMethod.ClientAssertion);
            bench.Http.Answer(200, TokenTestBench.TokenJson, null);
            bench.Http.Answer(200, TokenTestBench.TokenJson, null);
            bench.Client.RefreshIfDue();

            bench.Client.Invalidate();

            Assert.IsNull(bench.Client.AccessToken);
            Assert.AreEqual((int)TokenState.None, (int)bench.Client.State);
            Assert.IsTrue(bench.Client.RefreshIfDue());
            Assert.AreEqual(2, bench.Http.Count);
        }

        [TestMethod]
        public void ASuccessWithoutUsableFieldsIsAFailure()
        {
            var bench = new TokenTestBench(TokenTestBench.Start, TokenAuthMethod.ClientAssertion);
            bench.Http.Answer(200, "{\"token_type\":\"Bearer\",\"expires_in\":3600}", null);
            bench.Http.Answer(200, "{\"access_token\":\"x\",\"token_type\":\"mac\",\"expires_in\":3600}", null);
            bench.Http.Answer(200, "not json", null);
            bench.Http.Answer(200, "{\"access_token\":\"x\",\"token_type\":\"bearer\"}", null);

            for (var i = 0; i < 3; i++)
            {
                bench.Platform.Advance(bench.Client.NextRefreshUptime - bench.Platform.UptimeMilliseconds);
                Assert.IsFalse(bench.Client.RefreshIfDue());
                Assert.AreEqual((int)TokenState.Retrying, (int)bench.Client.State);
                Assert.AreEqual("invalid_response", bench.Client.LastError);
            }

            // expires_in is optional (RFC 6749 section 5.1): the policy's default lifetime applies.
            bench.Platform.Advance(bench.Client.NextRefreshUptime - bench.Platform.UptimeMilliseconds);
            Assert.IsTrue(bench.Client.RefreshIfDue());
            Assert.AreEqual(bench.Platform.UptimeMilliseconds + 300000, bench.Client.ExpiresAtUptime);
        }
    }
}
