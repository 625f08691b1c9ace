using System.Text;
using M2M.Device.Core.Crypto;
using M2M.Device.Core.Platform;
using M2M.Device.Core.Session;
using nanoFramework.TestFramework;

namespace M2M.Device.Core.Tests
{
    /// <summary>
    /// Every transition of the session state machine under a controlled clock and the in-memory
    /// transport (docs/protocol.md sections 5, 6.4, 7 and 9).
    /// </summary>
    [TestClass]
    public class SessionManagerTests
    {
        [TestMethod]
        public void ConnectsWithTheDeviceIdAndTokenThenPublishesSignedTelemetry()
        {
            var rig = new SessionRig();
            rig.Clock.UnixTimeMilliseconds = 1000; // the board boots at 1970
            rig.AssertState(SessionState.SyncingTime);

            rig.Connect();
            var message = rig.Collect(7);
            rig.Settle();

            Assert.AreEqual(1, rig.TimeSync.Calls);
            var connect = rig.Transport.LastConnect();
            Assert.AreEqual(ProtocolTestVectors.DeviceId, connect.ClientId);
            Assert.AreEqual(ProtocolTestVectors.DeviceId, connect.UserName);
            Assert.AreEqual("token-1", connect.Password);
            Assert.AreEqual(60, connect.KeepAliveSeconds);
            var sent = rig.Transport.LastPublished();
            Assert.AreEqual("devices/sensor-0001/telemetry", sent.Topic);
            Assert.AreEqual("application/octet-stream", sent.ContentType);
            Assert.AreEqual(message.RenderSignature(), sent.Property("m2m-sig"));
            Assert.AreEqual("1", sent.Property("m2m-v"));
            Assert.AreEqual("1", sent.Property("m2m-epoch"));
            Assert.AreEqual("1", sent.Property("m2m-seq"));
            Assert.AreEqual(message.Timestamp.ToString(), sent.Property("m2m-ts"));
            Assert.AreEqual(1, rig.Outbox.Count);

            rig.Transport.Acknowledge(sent.PacketId, MqttCodes.Success);
            rig.Settle();

            Assert.AreEqual(0, rig.Outbox.Count);
            Assert.AreEqual(1L, rig.Session.Acknowledged);
        }

        [TestMethod]
        public void NoMoreThanTheInflightWindowAwaitsPuback()
        {
            var options = new SessionOptions();
            options.InflightWindow = 2;
            var rig = new SessionRig(options, 16);
            rig.Connect();
            for (byte i = 1; i <= 5; i++)
            {
                rig.Collect(i);
            }

            rig.Settle();
            Assert.AreEqual(2, rig.Transport.Published.Count);

            rig.Transport.Acknowledge(rig.Transport.PublishedAt(0).PacketId, MqttCodes.Success);
            rig.Settle();
            Assert.AreEqual(3, rig.Transport.Published.Count);
            Assert.AreEqual("3", rig.Transport.PublishedAt(2).Property("m2m-seq"));
            Assert.AreEqual(2, rig.Outbox.InflightCount);
        }

        [TestMethod]
        [DataRow(0x86)]
        [DataRow(0x87)]
        [DataRow(0x8C)]
        public void AConnackRefusingTheTokenGetsANewTokenAfterBackOff(int code)
        {
            var rig = new SessionRig();
            rig.Transport.QueueConnack(code);

            var wait = rig.Settle();

            rig.AssertState(SessionState.BackingOff);
            Assert.AreEqual(code, rig.Session.LastReasonCode);
            Assert.AreEqual(1, rig.Tokens.Invalidations);
            Assert.AreEqual(500, wait);
            rig.Clock.Advance(wait);
            rig.Settle();
            rig.AssertState(SessionState.Connected);
            Assert.AreEqual("token-2", rig.Transport.LastConnect().Password);
        }

        [TestMethod]
        [DataRow(0x80)]
        [DataRow(0x83)]
        [DataRow(0x88)]
        [DataRow(0x89)]
        [DataRow(0x97)]
        [DataRow(0x9C)]
        [DataRow(0x9D)]
        [DataRow(0x9F)]
        [DataRow(0xA1)]
        [DataRow(-1)]
        public void AnUnavailableServerIsRetriedWithExponentialBackOffKeepingTheToken(int code)
        {
            var rig = new SessionRig();
            rig.Random.Highest = true;
            rig.Transport.QueueConnack(code);
            rig.Transport.QueueConnack(code);
            rig.Transport.QueueConnack(code);

            // Equal jitter: half the delay fixed, up to half random (here the highest): 1 s, 2 s, 4 s.
            Assert.AreEqual(1000, rig.Settle());
            rig.Clock.Advance(1000);
            Assert.AreEqual(2000, rig.Settle());
            rig.Clock.Advance(1999);
            rig.Settle();
            rig.AssertState(SessionState.BackingOff);
            rig.Clock.Advance(1);
            Assert.AreEqual(4000, rig.Settle());
            rig.Clock.Advance(4000);
            rig.Settle();

            rig.AssertState(SessionState.Connected);
            Assert.AreEqual(0, rig.Tokens.Invalidations);
            Assert.AreEqual(4, rig.Transport.Connects.Count);
            Assert.AreEqual("token-1", rig.Transport.LastConnect().Password);
        }

        [TestMethod]
        public void RetryNowEndsABackOffButNotARefusal()
        {
            var rig = new SessionRig();
            rig.Transport.QueueConnack(-1);

            Assert.IsTrue(rig.Settle() > 0);
            rig.AssertState(SessionState.BackingOff);

            // The network came back before the back-off ended: the session connects at once.
            rig.Session.RetryNow();
            rig.Settle();
            rig.AssertState(SessionState.Connected);

            var refused = new SessionRig();
            refused.Transport.QueueConnack(0x85);
            refused.Settle();
            refused.AssertState(SessionState.Refused);
            refused.Session.RetryNow();
            refused.Settle();
            refused.AssertState(SessionState.Refused);
        }

        [TestMethod]
        [DataRow(0x81)]
        [DataRow(0x82)]
        [DataRow(0x84)]
        [DataRow(0x85)]
        [DataRow(0x8A)]
        [DataRow(0x90)]
        [DataRow(0x95)]
        [DataRow(0x99)]
        [DataRow(0x9A)]
        [DataRow(0x9B)]
        public void AConnectRefusedAsItIsStopsAndReportsUntilTheLongRetry(int code)
        {
            var rig = new SessionRig();
            rig.Transport.QueueConnack(code);

            rig.Settle();
            rig.AssertState(SessionState.Refused);
            Assert.AreEqual(code, rig.Session.LastReasonCode);
            Assert.AreEqual(0, rig.Tokens.Invalidations);
            rig.Clock.Advance(rig.Options.RefusedRetryMilliseconds - 1);
            rig.Settle();
            rig.AssertState(SessionState.Refused);
            rig.Clock.Advance(1);
            rig.Settle();

            rig.AssertState(SessionState.Connected);
        }

        [TestMethod]
        public void ARefusedCredentialStopsUntilTheLongRetry()
        {
            var rig = new SessionRig();
            rig.Tokens.Outcome = Fakes.FakeTokenSource.Refuse;

            rig.Settle();

            rig.AssertState(SessionState.Refused);
            Assert.AreEqual(0, rig.Transport.Connects.Count);
            rig.Tokens.Outcome = Fakes.FakeTokenSource.Issue;
            rig.Clock.Advance(rig.Options.RefusedRetryMilliseconds);
            rig.Settle();
            rig.AssertState(SessionState.Connected);
        }

        [TestMethod]
        public void ATokenNetworkErrorWaitsForTheSourcesRetryTime()
        {
            var rig = new SessionRig();
            rig.Tokens.Outcome = Fakes.FakeTokenSource.Fail;

            var wait = rig.Settle();

            rig.AssertState(SessionState.GettingToken);
            Assert.AreEqual((int)rig.Tokens.RetryMilliseconds, wait);
            rig.Tokens.Outcome = Fakes.FakeTokenSource.Issue;
            rig.Clock.Advance(wait);
            rig.Settle();
            rig.AssertState(SessionState.Connected);
            Assert.AreEqual(2, rig.Tokens.Refreshes);
        }

        [TestMethod]
        public void APublishOnADeadConnectionEndsTheSession()
        {
            var rig = new SessionRig();
            rig.Connect();
            rig.Transport.FailPublish = true;
            rig.Collect(1);

            rig.Settle();

            rig.AssertState(SessionState.BackingOff);
            Assert.AreEqual(MqttCodes.NetworkError, rig.Session.LastReasonCode);
            Assert.AreEqual(1, rig.Outbox.Count);
        }

        [TestMethod]
        public void PacketTooLargeDropsTheOversizedMessageAndResendsTheRest()
        {
            var rig = new SessionRig();
            rig.Connect();
            var small = rig.Collect(1);
            var large = rig.Signer.Sign(null, new byte[512]);
            rig.Session.Submit(large);
            var after = rig.Collect(2);
            rig.Settle();

            rig.Transport.Close(MqttCodes.PacketTooLarge);
            rig.Clock.Advance(rig.Settle());
            rig.Settle();

            rig.AssertState(SessionState.Connected);
            Assert.AreEqual(1L, rig.Session.Refused);
            Assert.AreEqual(MqttCodes.PacketTooLarge, rig.Session.LastReasonCode);
            Assert.AreEqual(5, rig.Transport.Published.Count);
            Assert.AreEqual(small.RenderSignature(), rig.Transport.PublishedAt(3).Property("m2m-sig"));
            Assert.AreEqual(after.RenderSignature(), rig.Transport.PublishedAt(4).Property("m2m-sig"));
        }

        [TestMethod]
        public void MaximumConnectTimeGetsANewTokenAndReconnectsAtOnce()
        {
            var rig = new SessionRig();
            rig.Connect();

            rig.Transport.Close(MqttCodes.MaximumConnectTime);
            rig.Settle();

            rig.AssertState(SessionState.Connected);
            Assert.AreEqual(1, rig.Tokens.Invalidations);
            Assert.AreEqual("token-2", rig.Transport.LastConnect().Password);
        }

        [TestMethod]
        [DataRow(0x87)]
        [DataRow(0x8C)]
        public void LostAuthorizationInvalidatesTheTokenAndBacksOff(int code)
        {
            var rig = new SessionRig();
            rig.Connect();

            rig.Transport.Close(code);
            var wait = rig.Settle();

            rig.AssertState(SessionState.BackingOff);
            Assert.AreEqual(1, rig.Tokens.Invalidations);
            rig.Clock.Advance(wait);
            rig.Settle();
            Assert.AreEqual("token-2", rig.Transport.LastConnect().Password);
        }

        [TestMethod]
        public void AdministrativeActionWaitsLongerThenFindsTheCredentialRefused()
        {
            var rig = new SessionRig();
            rig.Connect();

            rig.Transport.Close(MqttCodes.AdministrativeAction);
            rig.Settle();
            rig.Tokens.Outcome = Fakes.FakeTokenSource.Refuse;
            rig.Clock.Advance(rig.Options.AdministrativeBackoffMilliseconds - 1);
            rig.Settle();
            rig.AssertState(SessionState.BackingOff);
            Assert.AreEqual(1, rig.Tokens.Invalidations);
            rig.Clock.Advance(1);
            rig.Settle();

            rig.AssertState(SessionState.Refused);
            Assert.AreEqual(1, rig.Transport.Connects.Count);
        }

        [TestMethod]
        public void ASessionTakenOverWaitsWithoutInvalidatingTheToken()
        {
            var rig = new SessionRig();
            rig.Connect();

            rig.Transport.Close(MqttCodes.SessionTakenOver);
            rig.Settle();
            rig.Clock.Advance(rig.Options.TakeoverBackoffMilliseconds - 1);
            rig.Settle();
            rig.AssertState(SessionState.BackingOff);
            rig.Clock.Advance(1);
            rig.Settle();

            rig.AssertState(SessionState.Connected);
            Assert.AreEqual(0, rig.Tokens.Invalidations);

            // Not refused, only forgotten after each CONNECT (memory budget): the reconnect takes a new one.
            Assert.AreEqual(2, rig.Tokens.Releases);
            Assert.AreEqual("token-2", rig.Transport.LastConnect().Password);
        }

        [TestMethod]
        public void RenewsInBandWithAFreshAssertionAtThreeQuartersOfTheLifetime()
        {
            var rig = new SessionRig();
            rig.Connect();
            var renewAt = SessionRig.TokenLifetime * 75 / 100;

            Assert.AreEqual(renewAt, rig.Session.RenewalDue);
            rig.Clock.Advance(renewAt - 1);
            rig.Settle();
            Assert.AreEqual(0, rig.Transport.Published.Count);
            rig.Clock.Advance(1);
            rig.Settle();

            var renewal = rig.Transport.LastPublished();
            Assert.AreEqual("devices/sensor-0001/auth", renewal.Topic);
            Assert.IsNull(renewal.PropertyNames);
            var jwt = Encoding.UTF8.GetString(renewal.Payload, 0, renewal.Payload.Length);
            var parts = jwt.Split('.');
            Assert.AreEqual(3, parts.Length);
            var claims = Encoding.UTF8.GetBytes(parts[0] + "." + parts[1]);
            Assert.AreEqual(parts[2], Base64Url.Encode(TestPlatform.Hmac.Compute(rig.Keys.AuthKey, claims)));
            var payload = Base64Url.Decode(parts[1])!;
            var text = Encoding.UTF8.GetString(payload, 0, payload.Length);
            Assert.Contains("\"sub\":\"sensor-0001\"", text);
            Assert.Contains("\"aud\":\"https://gateway.example/oauth2/token\"", text);

            rig.Transport.Acknowledge(renewal.PacketId, MqttCodes.Success);
            rig.Settle();

            Assert.AreEqual(1, rig.Session.Renewals);
            Assert.AreEqual(renewAt + SessionRig.TokenLifetime, rig.Session.SessionDeadline);
            Assert.AreEqual(renewAt + renewAt, rig.Session.RenewalDue);
            rig.Clock.Advance(SessionRig.TokenLifetime - renewAt);
            rig.Settle();
            rig.AssertState(SessionState.Connected);
            Assert.AreEqual(1, rig.Transport.Connects.Count);
        }

        [TestMethod]
        public void RenewalTimeIsJitteredUpToEightyFivePercent()
        {
            var rig = new SessionRig();
            rig.Random.Highest = true;

            rig.Connect();

            Assert.AreEqual(SessionRig.TokenLifetime * 85 / 100, rig.Session.RenewalDue);
        }

        [TestMethod]
        [DataRow(0x83)]
        [DataRow(0x87)]
        [DataRow(0x90)]
        [DataRow(0x99)]
        public void ARefusedRenewalReconnectsWithANewToken(int code)
        {
            var rig = new SessionRig();
            rig.Connect();
            rig.Clock.Advance(rig.Session.RenewalDue);
            rig.Settle();

            rig.Transport.Acknowledge(rig.Transport.LastPublished().PacketId, code);
            rig.Settle();

            rig.AssertState(SessionState.Connected);
            Assert.AreEqual(1, rig.Transport.Disconnects);
            Assert.AreEqual("token-2", rig.Transport.LastConnect().Password);
        }

        [TestMethod]
        public void WithoutRenewalTheSessionEndsAtTheTokensExpiry()
        {
            var rig = new SessionRig();
            rig.Connect();
            rig.Clock.Advance(rig.Session.RenewalDue);
            rig.Settle();
            rig.Transport.Acknowledge(rig.Transport.LastPublished().PacketId, MqttCodes.NotAcknowledged);

            // Renewal retries keep failing silently (no PUBACK): the transport never answers again.
            rig.Clock.Advance(SessionRig.TokenLifetime);
            rig.Settle();

            Assert.AreEqual(1, rig.Transport.Disconnects);
            Assert.AreEqual(2, rig.Transport.Connects.Count);
            Assert.AreEqual("token-2", rig.Transport.LastConnect().Password);
        }

        [TestMethod]
        [DataRow(0x80)]
        [DataRow(0x97)]
        [DataRow(-2)]
        public void ARenewalTheGatewayCouldNotHandleNowIsTriedAgainInTheSameSession(int code)
        {
            var rig = new SessionRig();
            rig.Connect();
            rig.Clock.Advance(rig.Session.RenewalDue);
            rig.Settle();
            var deadline = rig.Session.SessionDeadline;

            rig.Transport.Acknowledge(rig.Transport.LastPublished().PacketId, code);
            rig.Settle();

            rig.AssertState(SessionState.Connected);
            Assert.AreEqual(0, rig.Transport.Disconnects);
            Assert.AreEqual(0, rig.Tokens.Invalidations);
            Assert.AreEqual(deadline, rig.Session.SessionDeadline);
            rig.Clock.Advance(rig.Options.RenewalRetryMilliseconds - 1);
            rig.Settle();
            Assert.AreEqual(1, rig.Transport.Published.Count);
            rig.Clock.Advance(1);
            rig.Settle();
            Assert.AreEqual(2, rig.Transport.Published.Count);
            Assert.AreEqual("devices/sensor-0001/auth", rig.Transport.LastPublished().Topic);
        }

        [TestMethod]
        public void StopOnlyAsksAndTheLoopDisconnects()
        {
            var rig = new SessionRig();
            rig.Connect();

            rig.Session.Stop();

            // The caller's thread touched neither the state nor the connection.
            rig.AssertState(SessionState.Connected);
            Assert.AreEqual(0, rig.Transport.Disconnects);

            rig.Settle();
            rig.AssertState(SessionState.Stopped);
            Assert.AreEqual(1, rig.Transport.Disconnects);

            // Stopped for good: nothing is sent and no connection is opened again.
            rig.Collect(1);
            rig.Clock.Advance(rig.Options.MaxBackoffMilliseconds);
            rig.Settle();
            Assert.AreEqual(0, rig.Transport.Published.Count);
            Assert.AreEqual(1, rig.Transport.Connects.Count);
        }

        [TestMethod]
        public void AStopRequestedWhileConnectingLeavesNoConnectionOpen()
        {
            var rig = new SessionRig();

            // The application's thread calls Stop while the loop's CONNECT is waiting for its CONNACK.
            rig.Transport.DuringConnect = rig.Session.Stop;
            rig.Settle();

            rig.AssertState(SessionState.Stopped);
            Assert.AreEqual(1, rig.Transport.Connects.Count);
            Assert.IsFalse(rig.Transport.IsConnected);
            Assert.AreEqual(1, rig.Transport.Disconnects);
        }
    }
}
