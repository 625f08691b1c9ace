using System.Net;
using System.Text.Json;
using M2M.Gateway.Tests.Support;

namespace M2M.Gateway.Tests;

/// <summary>
/// docs/protocol.md section 9.1: over its quota per client id, and then per remote address, a token
/// request gets 429 temporarily_unavailable with Retry-After; another client keeps its own quota
/// until the address's is spent; each refusal is audited.
/// </summary>
public class TokenRequestsAreRateLimitedPerClientAndAddressTests
{
    [Fact]
    public async Task QuotasPerClientThenPerAddress()
    {
        await using var gateway = await TokenGateway.StartAsync(null, null, null,
            "--Gateway:Tokens:RequestsPerClient", "3", "--Gateway:Tokens:RequestsPerAddress", "5", "--Gateway:Tokens:RateLimitWindow", "00:10:00");
        var a = (await gateway.Registry.AddAsync("sensor-000a", "acme", [], default))!;
        var b = (await gateway.Registry.AddAsync("sensor-000b", "acme", [], default))!;
        using var client = gateway.Client();

        for (var i = 0; i < 3; i++)
        {
            await gateway.GetAccessTokenAsync(client, a, DateTimeOffset.UtcNow);
        }

        using (var overClient = await TokenGateway.RequestTokenAsync(client, TokenGateway.Form(TestAssertion.Create(a, gateway.TokenEndpoint, DateTimeOffset.UtcNow))))
        {
            await AssertRateLimitedAsync(overClient);
        }

        await gateway.GetAccessTokenAsync(client, b, DateTimeOffset.UtcNow);
        using (var overAddress = await TokenGateway.RequestTokenAsync(client, TokenGateway.Form(TestAssertion.Create(b, gateway.TokenEndpoint, DateTimeOffset.UtcNow))))
        {
            await AssertRateLimitedAsync(overAddress);
        }

        Assert.Equal(2, gateway.Audit.Events.Count(e => e.Outcome == "rate_limited" && e.RemoteAddress == "127.0.0.1"));
        Assert.Equal("Healthy", await client.GetStringAsync(new Uri("/health", UriKind.Relative)));
    }

    private static async Task AssertRateLimitedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        var retryAfter = response.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("temporarily_unavailable", body.RootElement.GetProperty("error").GetString());
    }
}
