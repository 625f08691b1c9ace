using System.Net;
using M2M.Gateway.Registry;
using M2M.Gateway.Tests.Support;
using static M2M.Gateway.Tests.Support.ClaimEdit;

namespace M2M.Gateway.Tests;

/// <summary>
/// docs/protocol.md section 3.2 rule 5: a spent <c>jti</c> is remembered until its assertion's
/// <c>exp</c> + the clock skew, and then forgotten: a later assertion that happens to carry the same
/// id is refused up to that instant and accepted from it on. The gateway's clock is the test's.
/// </summary>
public class SpentAssertionIdsAreForgottenAfterExpiryPlusSkewTests
{
    [Fact]
    public async Task TheSameJtiIsRefusedUntilExpPlusSkewThenAccepted()
    {
        var time = TestClock.Fixed();
        await using var gateway = await TokenGateway.StartAsync(time, null, null, "--Gateway:Tokens:ClockSkew", "00:01:00");
        var device = (await gateway.Registry.AddAsync("sensor-0001", "acme", [], default))!;
        using var client = gateway.Client();
        var key = DeviceKeyDerivation.DeriveAuthKey(device.Secret.Span);
        async Task<HttpStatusCode> RequestAsync()
        {
            // A fresh assertion (iat now, exp now + 5 min) that reuses one id.
            var assertion = TestAssertion.Sign(key, With(TestAssertion.Claims("sensor-0001", gateway.TokenEndpoint, time.GetUtcNow()), "jti", "the-same-jti"));
            using var response = await TokenGateway.RequestTokenAsync(client, TokenGateway.Form(assertion));
            return response.StatusCode;
        }

        var firstExp = TestClock.Start.AddMinutes(5);
        Assert.Equal(HttpStatusCode.OK, await RequestAsync());

        time.SetUtcNow(firstExp + TimeSpan.FromSeconds(59));
        Assert.Equal(HttpStatusCode.Unauthorized, await RequestAsync());
        Assert.Equal("jti_reused", gateway.Audit.Events[^1].Outcome);

        time.SetUtcNow(firstExp + TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, await RequestAsync());
    }
}
