using M2M.Device.Core.Platform;
using M2M.Device.Core.Tests.Fakes;
using M2M.Device.Core.Tokens;
using nanoFramework.TestFramework;

namespace M2M.Device.Core.Tests
{
    /// <summary>
    /// Network errors, 5xx and 429 back off exponentially with jitter up to a cap, honouring
    /// Retry-After (docs/protocol.md section 9.1); a success starts over.
    /// </summary>
    [TestClass]
    public class TokenClientBacksOffOnFailuresTests
    {
        [TestMethod]
        public void TheBackOffDoublesUpToTheCapAtTheHighEndOfTheJitter()
        {
            CheckBackOff(true);
        }

        [TestMethod]
        public void TheBackOffNeverFallsBelowHalfAtTheLowEndOfTheJitter()
        {
            CheckBackOff(false);
        }

        [TestMethod]
        public void ServerErrorsBackOffWithTheirOAuthErrorOrStatus()
        {
            var bench = new TokenTestBench(TokenTestBench.Start, TokenAuthMethod.ClientAssertion);
            bench.Http.Answer(TokenTestBench.Error(503, "temporarily_unavailable", null, null));
            bench.Http.Answer(502, "<html>bad gateway</html>", null);

            bench.Client.RefreshIfDue();
            Assert.AreEqual((int)TokenState.Retrying, (int)bench.Client.State);
            Assert.AreEqual("temporarily_unavailable", bench.Client.LastError);

            bench.Platform.Advance(bench.Client.NextRefreshUptime - bench.Platform.UptimeMilliseconds);
            bench.Client.RefreshIfDue();
            Assert.AreEqual("http_502", bench.Client.LastError);
            Assert.AreEqual(2, bench.Client.Failures);
        }

        [TestMethod]
        public void RetryAfterInSecondsIsHonouredAndCapped()
        {
            var bench = new TokenTestBench(TokenTestBench.Start, TokenAuthMethod.ClientAssertion);
            bench.Http.Answer(TokenTestBench.Error(429, "temporarily_unavailable", null, "120"));
            bench.Http.Answer(TokenTestBench.Error(429, "temporarily_unavailable", null, "86400"));

            bench.Client.RefreshIfDue();
            Assert.AreEqual(120000, bench.Client.NextRefreshUptime);
            Assert.IsFalse(bench.Client.RefreshIfDue());
            Assert.AreEqual(1, bench.Http.Count);

            bench.Platform.Advance(120000);
            bench.Client.RefreshIfDue();
            Assert.AreEqual(120000 + bench.Policy.RetryAfterCap, bench.Client.NextRefreshUptime);
        }

        [TestMethod]
        public void RetryAfterAsAnHttpDateCountsFromTheServersDate()
        {
            var bench = new TokenTestBench(TokenTestBench.Start, TokenAuthMethod.ClientAssertion);
            bench.Http.Answer(TokenTestBench.Error(503, "temporarily_unavailable", TokenTestBench.StartDate, "Thu, 01 Jan 2026 00:01:30 GMT"));

            bench.Client.RefreshIfDue();

            Assert.AreEqual(90000, bench.Client.NextRefreshUptime);
        }

        [TestMethod]
        public void ASuccessAfterFailuresStartsTheBackOffOver()
        {
            var bench = new TokenTestBench(TokenTestBench.Start, TokenAuthMethod.ClientAssertion);
            bench.Random.High = true;
            bench.Http.Answer(HttpResult.NoResponse("timeout"));
            bench.Http.Answer(HttpResult.NoResponse("timeout"));
            bench.Http.Answer(200, TokenTestBench.TokenJson, null);
            bench.Http.Answer(HttpResult.NoResponse("timeout"));
            for (var i = 0; i < 4; i++)
            {
                bench.Platform.Advance(bench.Client.NextRefreshUptime - bench.Platform.UptimeMilliseconds);
                bench.Client.RefreshIfDue();
            }

            // The failed renewal keeps the still-valid token and waits the first back-off step again.
            Assert.AreEqual(1, bench.Client.Failures);
            Assert.AreEqual((int)TokenState.Retrying, (int)bench.Client.State);
            Assert.IsNotNull(bench.Client.AccessToken);
            Assert.AreEqual(bench.Platform.UptimeMilliseconds + bench.Policy.BackoffBase, bench.Client.NextRefreshUptime);
        }

        private static void CheckBackOff(bool high)
        {
            var bench = new TokenTestBench(TokenTestBench.Start, TokenAuthMethod.ClientAssertion);
            bench.Random.High = high;
            long expected = bench.Policy.BackoffBase;
            for (var attempt = 1; attempt <= 12; attempt++)
            {
                var now = bench.Platform.UptimeMilliseconds;
                Assert.IsFalse(bench.Client.RefreshIfDue());
                Assert.AreEqual((int)TokenState.Retrying, (int)bench.Client.State);
                Assert.AreEqual("network", bench.Client.LastError);
                var wait = bench.Client.NextRefreshUptime - now;
                Assert.AreEqual(high ? expected : expected / 2, wait, "attempt " + attempt.ToString());
                Assert.IsFalse(bench.Client.RefreshIfDue());
                bench.Platform.Advance(wait);
                expected = expected * 2 < bench.Policy.BackoffCap ? expected * 2 : bench.Policy.BackoffCap;
            }

            Assert.AreEqual(12, bench.Http.Count);
        }
    }
}
