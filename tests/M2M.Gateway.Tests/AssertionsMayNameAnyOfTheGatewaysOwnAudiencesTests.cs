using System.Net;
using M2M.Gateway.Registry;
using M2M.Gateway.Tests.Support;

namespace M2M.Gateway.Tests;

/// <summary>
/// docs/protocol.md section 3.2 rule 3: the assertion's <c>aud</c> is the token endpoint URL or the
/// issuer. Without a configured issuer (development), the endpoint at each address the gateway
/// listens on counts, so a device on plain HTTP works while the issuer is the HTTPS address; with a
/// configured issuer only that one does, whatever Host header the request carries.
/// </summary>
public class AssertionsMayNameAnyOfTheGatewaysOwnAudiencesTests
{
    [Fact]
    public async Task EndpointAtEachAddressOrTheIssuer()
    {
        await using var gateway = await TokenGateway.StartAsync();
        var device = (await gateway.Registry.AddAsync("sensor-0001", "acme", [], default))!;
        using var client = gateway.Client();

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, device, new Uri(gateway.BaseAddress, "/oauth2/token").ToString()));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, device, new Uri(gateway.HttpsAddress, "/oauth2/token").ToString()));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, device, gateway.HttpsAddress.GetLeftPart(UriPartial.Authority)));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client, device, "http://localhost:1/oauth2/token"));
    }

    [Fact]
    public async Task OnlyTheConfiguredIssuerWhenThereIsOne()
    {
        await using var gateway = await TokenGateway.StartAsync(null, null, null, "--Gateway:Issuer", "https://gateway.example");
        var device = (await gateway.Registry.AddAsync("sensor-0001", "acme", [], default))!;
        using var client = gateway.Client();

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, device, "https://gateway.example/oauth2/token"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, device, "https://gateway.example"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client, device, new Uri(gateway.BaseAddress, "/oauth2/token").ToString()));
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, Registry.DeviceCredential device, string audience)
    {
        var assertion = TestAssertion.Sign(DeviceKeyDerivation.DeriveAuthKey(device.Secret.Span), TestAssertion.Claims(device.Device.DeviceId, audience, DateTimeOffset.UtcNow));
        using var response = await TokenGateway.RequestTokenAsync(client, TokenGateway.Form(assertion));
        return response.StatusCode;
    }
}
