using M2M.Gateway.Ingress.Seams;
using M2M.Gateway.Registry;
using M2M.Gateway.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;

namespace M2M.Gateway.Tests;

/// <summary>
/// Key rotation on the gateway's clock (docs/tokens.md "Key ring"): the successor appears in the
/// JWKS PublishAhead before it signs anything; the retired key stays published until the last token
/// it signed has expired (token lifetime + skew after its retirement), and that token validates to
/// the end of its life.
/// </summary>
public class SigningKeysArePublishedBeforeSigningAndRetiredAfterExpiryTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task RotationFollowsTheSchedule()
    {
        var time = new FakeTimeProvider(Start);
        await using var gateway = await TokenGateway.StartAsync(time, null, null,
            "--Gateway:SigningKeys:RotationInterval", "10.00:00:00", "--Gateway:SigningKeys:PublishAhead", "1.00:00:00",
            "--Gateway:Tokens:AccessTokenLifetime", "01:00:00", "--Gateway:Tokens:ClockSkew", "00:01:00");
        var device = (await gateway.Registry.AddAsync("sensor-0001", "acme", [], default))!;
        using var client = gateway.Client();

        var first = await KeyIdsAsync(client);
        var k1 = Assert.Single(first);
        Assert.Equal(k1, await SigningKeyAsync(gateway, client, device, time));

        time.SetUtcNow(Start + TimeSpan.FromDays(9) - TimeSpan.FromMinutes(1));
        Assert.Equal([k1], await KeyIdsAsync(client));

        // Nine days in (rotation interval - publish ahead): the successor is published, not signing.
        time.SetUtcNow(Start + TimeSpan.FromDays(9));
        var announced = await KeyIdsAsync(client);
        Assert.Equal(2, announced.Count);
        var k2 = announced.Single(k => k != k1);
        Assert.Equal(k1, await SigningKeyAsync(gateway, client, device, time));

        time.SetUtcNow(Start + TimeSpan.FromDays(10) - TimeSpan.FromSeconds(1));
        var lastOfK1 = await gateway.GetAccessTokenAsync(client, device, time.GetUtcNow());
        Assert.Equal(k1, new JsonWebToken(lastOfK1).Kid);

        // Ten days in: the successor signs; the retired key is still published.
        time.SetUtcNow(Start + TimeSpan.FromDays(10));
        Assert.Equal(k2, await SigningKeyAsync(gateway, client, device, time));
        Assert.Equal(new[] { k1, k2 }.Order(StringComparer.Ordinal), (await KeyIdsAsync(client)).Order(StringComparer.Ordinal));

        // Just before the last K1 token expires (+ skew), it still validates and K1 is still published.
        time.SetUtcNow(Start + TimeSpan.FromDays(10) + TimeSpan.FromHours(1) + TimeSpan.FromSeconds(58));
        Assert.True((await gateway.Service<IAccessTokenValidator>().ValidateAccessTokenAsync(lastOfK1, default)).Succeeded);
        Assert.Contains(k1, await KeyIdsAsync(client));

        // Retirement + lifetime + skew: K1 is gone, its tokens have all expired.
        time.SetUtcNow(Start + TimeSpan.FromDays(10) + TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));
        Assert.Equal([k2], await KeyIdsAsync(client));
        Assert.False((await gateway.Service<IAccessTokenValidator>().ValidateAccessTokenAsync(lastOfK1, default)).Succeeded);
    }

    private static async Task<List<string>> KeyIdsAsync(HttpClient client) =>
        [.. (await TokenGateway.JwksAsync(client)).Keys.Select(k => k.Kid)];

    private static async Task<string> SigningKeyAsync(TokenGateway gateway, HttpClient client, DeviceCredential device, TimeProvider time) =>
        new JsonWebToken(await gateway.GetAccessTokenAsync(client, device, time.GetUtcNow())).Kid;
}
