using M2M.Device.Core.Tests.Fakes;
using M2M.Device.Core.Tokens;
using nanoFramework.TestFramework;

namespace M2M.Device.Core.Tests
{
    /// <summary>invalid_client stops the client and reports it; it tries again only after a long wait (section 9.1).</summary>
    [TestClass]
    public class TokenClientStopsOnInvalidClientTests
    {
        [TestMethod]
        public void InvalidClientIsRefusedAndNotRetriedBeforeTheLongWait()
        {
            var bench = new TokenTestBench(TokenTestBench.Start, TokenAuthMethod.ClientAssertion);
            bench.Http.Answer(TokenTestBench.Error(401, "invalid_client", TokenTestBench.StartDate, null));
            bench.Http.Answer(200, TokenTestBench.TokenJson, null);

            Assert.IsFalse(bench.Client.RefreshIfDue());

            Assert.AreEqual((int)TokenState.Refused, (int)bench.Client.State);
            Assert.AreEqual("invalid_client", bench.Client.LastError);
            Assert.IsNull(bench.Client.AccessToken);
            Assert.IsTrue(bench.Client.NextRefreshUptime >= bench.Policy.RefusedRetry / 2);
            bench.Platform.Advance(bench.Client.NextRefreshUptime - 1);
            bench.Client.Invalidate();
            Assert.IsFalse(bench.Client.RefreshIfDue());
            Assert.AreEqual(1, bench.Http.Count);

            bench.Platform.Advance(1);
            Assert.IsTrue(bench.Client.RefreshIfDue());
            Assert.AreEqual((int)TokenState.Valid, (int)bench.Client.State);
        }

        [TestMethod]
        public void ARefusalDuringRenewalDropsTheToken()
        {
            var bench = new TokenTestBench(TokenTestBench.Start, TokenAuthMethod.ClientAssertion);
            bench.Http.Answer(200, TokenTestBench.TokenJson, null);
            bench.Http.Answer(TokenTestBench.Error(400, "unauthorized_client", null, null));
            bench.Client.RefreshIfDue();

            bench.Platform.Advance(bench.Client.NextRefreshUptime);
            bench.Client.RefreshIfDue();

            Assert.AreEqual((int)TokenState.Refused, (int)bench.Client.State);
            Assert.IsNull(bench.Client.AccessToken);
        }
    }
}
