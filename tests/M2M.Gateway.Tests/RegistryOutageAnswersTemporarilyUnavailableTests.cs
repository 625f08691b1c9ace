using System.Net;
using System.Text.Json;
using M2M.Gateway.Ingress.Seams;
using M2M.Gateway.Tests.Support;

namespace M2M.Gateway.Tests;

/// <summary>
/// When the registry cannot answer, a token request gets 503 temporarily_unavailable (never
/// invalid_client: the device's credential is not at fault, protocol section 9.1 tells it to retry),
/// in-band renewal gets "unavailable", and both work again when the registry is back.
/// </summary>
public class RegistryOutageAnswersTemporarilyUnavailableTests
{
    [Fact]
    public async Task OutageIsNotARefusalOfTheDevice()
    {
        var registry = new InMemoryDeviceRegistry();
        await using var gateway = await TokenGateway.StartAsync(null, null, registry);
        var device = (await registry.AddAsync("sensor-0001", "acme", [], default))!;
        using var client = gateway.Client();

        registry.Down = true;
        using (var response = await TokenGateway.RequestTokenAsync(client, TokenGateway.Form(TestAssertion.Create(device, gateway.TokenEndpoint, DateTimeOffset.UtcNow))))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("temporarily_unavailable", body.RootElement.GetProperty("error").GetString());
        }

        var renewal = await gateway.Service<IClientAssertionValidator>().ValidateClientAssertionAsync(TestAssertion.Create(device, gateway.TokenEndpoint, DateTimeOffset.UtcNow), null, default);
        Assert.Equal(CredentialStatus.Unavailable, renewal.Status);
        Assert.Equal(DeviceLookupStatus.Unavailable, (await gateway.Service<IDeviceDirectory>().FindAsync("sensor-0001", default)).Status);

        registry.Down = false;
        await gateway.GetAccessTokenAsync(client, device, DateTimeOffset.UtcNow);
    }
}
