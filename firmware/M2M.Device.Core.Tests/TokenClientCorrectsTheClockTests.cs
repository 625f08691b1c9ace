using M2M.Device.Core.Tests.Fakes;
using M2M.Device.Core.Tokens;
using nanoFramework.TestFramework;

namespace M2M.Device.Core.Tests
{
    /// <summary>
    /// Without a trustworthy clock the device takes the time from the server's Date header and retries
    /// with the corrected time (docs/protocol.md section 3.4); likewise when an assertion is refused and
    /// the server's time is far from the device's.
    /// </summary>
    [TestClass]
    public class TokenClientCorrectsTheClockTests
    {
        [TestMethod]
        public void AnUnsetClockIsSetFromTheRefusalAndTheRequestRetriedAtOnce()
        {
            var bench = new TokenTestBench(0, TokenAuthMethod.ClientAssertion);
            bench.Platform.Advance(7000);
            bench.Http.Answer(TokenTestBench.Error(401, "invalid_client", TokenTestBench.StartDate, null));
            bench.Http.Answer(200, TokenTestBench.TokenJson, TokenTestBench.StartDate);

            Assert.IsTrue(bench.Client.RefreshIfDue());

            Assert.AreEqual(2, bench.Http.Count);
            Assert.IsTrue(bench.Clock.IsSynchronized);
            Assert.AreEqual(TokenTestBench.Start, bench.Clock.UnixTimeMilliseconds);
            Assert.Contains("\"iat\":7,", TokenTestBench.Claims(TokenTestBench.FormValue(bench.Http.Body(0), "client_assertion")!));
            Assert.Contains("\"iat\":1767225600,", TokenTestBench.Claims(TokenTestBench.FormValue(bench.Http.Body(1), "client_assertion")!));
        }

        [TestMethod]
        public void AnUnsetClockIsSetFromASuccessfulResponse()
        {
            var bench = new TokenTestBench(0, TokenAuthMethod.ClientSecretBasic);
            bench.Http.Answer(200, TokenTestBench.TokenJson, "Thursday, 01-Jan-26 00:00:10 GMT");

            bench.Client.RefreshIfDue();

            Assert.IsTrue(bench.Clock.IsSynchronized);
            Assert.AreEqual(TokenTestBench.Start + 10000, bench.Clock.UnixTimeMilliseconds);
        }

        [TestMethod]
        public void ASetClockFarFromTheServersIsCorrectedOnARefusalAndRetriedOnce()
        {
            var bench = new TokenTestBench(TokenTestBench.Start + 600000, TokenAuthMethod.ClientAssertion);
            bench.Http.Answer(TokenTestBench.Error(401, "invalid_client", TokenTestBench.StartDate, null));
            bench.Http.Answer(TokenTestBench.Error(401, "invalid_client", TokenTestBench.StartDate, null));

            Assert.IsFalse(bench.Client.RefreshIfDue());

            Assert.AreEqual(2, bench.Http.Count);
            Assert.AreEqual(TokenTestBench.Start, bench.Clock.UnixTimeMilliseconds);
            Assert.AreEqual((int)TokenState.Refused, (int)bench.Client.State);
        }

        [TestMethod]
        public void ASetClockCloseToTheServersIsLeftAloneAndNotRetried()
        {
            var bench = new TokenTestBench(TokenTestBench.Start + 20000, TokenAuthMethod.ClientAssertion);
            bench.Http.Answer(TokenTestBench.Error(401, "invalid_client", TokenTestBench.StartDate, null));

            bench.Client.RefreshIfDue();

            Assert.AreEqual(1, bench.Http.Count);
            Assert.AreEqual(TokenTestBench.Start + 20000, bench.Clock.UnixTimeMilliseconds);
            Assert.AreEqual((int)TokenState.Refused, (int)bench.Client.State);
        }

        [TestMethod]
        public void ASetClockIsNotMovedBySuccessfulResponses()
        {
            var bench = new TokenTestBench(TokenTestBench.Start + 600000, TokenAuthMethod.ClientAssertion);
            bench.Http.Answer(200, TokenTestBench.TokenJson, TokenTestBench.StartDate);

            bench.Client.RefreshIfDue();

            Assert.AreEqual(TokenTestBench.Start + 600000, bench.Clock.UnixTimeMilliseconds);
        }

        [TestMethod]
        public void AllThreeHttpDateFormsAreRead()
        {
            // RFC 9110 section 5.6.7's own example, 1994-11-06T08:49:37Z.
            Assert.AreEqual(784111777000, HttpDate.Parse("Sun, 06 Nov 1994 08:49:37 GMT"));
            Assert.AreEqual(784111777000, HttpDate.Parse("Sunday, 06-Nov-94 08:49:37 GMT"));
            Assert.AreEqual(784111777000, HttpDate.Parse("Sun Nov  6 08:49:37 1994"));
            Assert.AreEqual(TokenTestBench.Start, HttpDate.Parse(TokenTestBench.StartDate));
            Assert.AreEqual(951782400000, HttpDate.Parse("Tue, 29 Feb 2000 00:00:00 GMT"));
            Assert.AreEqual(-1, HttpDate.Parse("yesterday"));
            Assert.AreEqual(-1, HttpDate.Parse("Sun, 06 Foo 1994 08:49:37 GMT"));
            Assert.AreEqual(-1, HttpDate.Parse(null));
        }
    }
}
