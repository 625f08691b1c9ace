using M2M.Device.Core.Session;
using M2M.Device.Core.Tests.Fakes;
using nanoFramework.TestFramework;

namespace M2M.Device.Core.Tests
{
    /// <summary>
    /// Renewing with an access token (docs/protocol.md section 7.2) publishes only a token newer than
    /// the one the session holds, and the new deadline is that token's expiry.
    /// </summary>
    [TestClass]
    public class RenewalCredentialTests
    {
        [TestMethod]
        public void AnAccessTokenRenewalWaitsForANewerTokenAndEndsAtItsExpiry()
        {
            var clock = new FakeClock(SessionRig.Now);
            var tokens = new FakeTokenSource(clock, SessionRig.TokenLifetime);
            var renewal = new AccessTokenRenewalCredential(tokens);
            tokens.RefreshIfDue();
            renewal.SessionOpened(tokens.AccessToken);

            Assert.IsNull(renewal.Create());

            clock.Advance(SessionRig.TokenLifetime);
            var fresh = renewal.Create();

            Assert.AreEqual("token-2", fresh);
            Assert.AreEqual(clock.UptimeMilliseconds + SessionRig.TokenLifetime, renewal.DeadlineAfterAcceptance(clock.UptimeMilliseconds, 1));
            Assert.IsNull(renewal.Create());
        }

        [TestMethod]
        public void ARefusedTokenSourceGivesNoRenewal()
        {
            var clock = new FakeClock(SessionRig.Now);
            var tokens = new FakeTokenSource(clock, SessionRig.TokenLifetime);
            tokens.Outcome = FakeTokenSource.Refuse;
            var renewal = new AccessTokenRenewalCredential(tokens);

            Assert.IsNull(renewal.Create());
        }
    }
}
