using System.Net;
using M2M.Gateway.Ingress.Seams;
using M2M.Gateway.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace M2M.Gateway.Tests;

/// <summary>
/// docs/protocol.md section 7.2: an assertion published in-band is validated exactly as at the token
/// endpoint, with the same single-use jti store: one spent at the endpoint is refused in-band and the
/// other way round; a fresh one extends to now + the access-token lifetime.
/// </summary>
public class InBandRenewalSharesTheTokenEndpointValidationTests
{
    [Fact]
    public async Task OneAssertionIsSpentOnceWhicheverWayItComes()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        await using var gateway = await TokenGateway.StartAsync(time, null, null, "--Gateway:Tokens:AccessTokenLifetime", "00:20:00");
        var device = (await gateway.Registry.AddAsync("sensor-0001", "acme", [], default))!;
        var validator = gateway.Service<IClientAssertionValidator>();
        using var client = gateway.Client();

        var spentAtEndpoint = TestAssertion.Create(device, gateway.TokenEndpoint, time.GetUtcNow());
        using (var response = await TokenGateway.RequestTokenAsync(client, TokenGateway.Form(spentAtEndpoint)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal("jti_reused", (await validator.ValidateClientAssertionAsync(spentAtEndpoint, null, default)).Reason);

        var spentInBand = TestAssertion.Create(device, gateway.TokenEndpoint, time.GetUtcNow());
        var renewal = await validator.ValidateClientAssertionAsync(spentInBand, null, default);
        Assert.True(renewal.Succeeded, renewal.Reason);
        Assert.Equal("sensor-0001", renewal.DeviceId);
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromMinutes(20), renewal.ExpiresAt);
        using (var response = await TokenGateway.RequestTokenAsync(client, TokenGateway.Form(spentInBand)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        await gateway.Registry.SetEnabledAsync("sensor-0001", false, default);
        Assert.Equal("device_disabled", (await validator.ValidateClientAssertionAsync(TestAssertion.Create(device, gateway.TokenEndpoint, time.GetUtcNow()), null, default)).Reason);
    }
}
