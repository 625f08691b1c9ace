using System.Net;
using System.Net.Http.Headers;
using M2M.Gateway.Tests.Support;
using M2M.Testing;

namespace M2M.Gateway.Tests;

/// <summary>
/// docs/tokens.md "Single-use assertions": an assertion signed with the device's K_auth is spent
/// the moment the gateway sees it, whatever else is wrong with it or with its request, so one that
/// leaked with a refused request can never be used; a forged one (bad signature) spends nothing.
/// </summary>
public class AssertionsOfRefusedTokenRequestsAreSpentTests(BadInputGateway fixture) : IClassFixture<BadInputGateway>
{
    private static readonly Dictionary<string, (string Reason, Func<BadInputGateway, string, Task<HttpResponseMessage>> Send)> Refusals = new()
    {
        ["query string"] = ("query_string", (f, a) => f.Client.PostAsync(new Uri("/oauth2/token?client_assertion=" + a, UriKind.Relative), Form(a))),
        ["wrong grant type"] = ("unsupported_grant_type", (f, a) => f.PostAsync([("grant_type", "password"), .. TokenGateway.Form(a).Skip(1)])),
        ["repeated parameter"] = ("repeated_parameter", (f, a) => f.PostAsync([.. TokenGateway.Form(a), ("grant_type", "client_credentials")])),
        ["scope"] = ("invalid_scope", (f, a) => f.PostAsync([.. TokenGateway.Form(a), ("scope", "admin")])),
        ["Authorization header as well"] = ("multiple_client_authentication", (f, a) => PostWithBasicAsync(f, a)),
        ["client_id of another device"] = ("client_id_mismatch", (f, a) => f.PostAsync([.. TokenGateway.Form(a), ("client_id", "sensor-0002")])),
    };

    public static TheoryData<string> RefusalNames => [.. Refusals.Keys];

    [Theory]
    [MemberData(nameof(RefusalNames))]
    public async Task TheAssertionOfARefusedRequestIsRefusedAsReusedAfterwards(string name)
    {
        var (reason, send) = Refusals[name];
        var assertion = fixture.Sign(fixture.Claims());
        var audited = fixture.Gateway.Audit.Events.Count;

        using (var refused = await send(fixture, assertion))
        {
            Assert.False(refused.IsSuccessStatusCode);
        }

        using var sentProperly = await fixture.PostAssertionAsync(assertion);

        Assert.Equal(HttpStatusCode.Unauthorized, sentProperly.StatusCode);
        var events = fixture.Gateway.Audit.Events.Skip(audited).ToList();
        Assert.Equal([reason, "jti_reused"], events.Select(e => e.Outcome));
        Assert.Equal("sensor-0001", events[0].DeviceId);
    }

    [Fact]
    public async Task AForgedAssertionSpendsNothing()
    {
        var claims = fixture.Claims();
        var forged = fixture.Sign(claims, fixture.Other);

        using (var refused = await fixture.Client.PostAsync(new Uri("/oauth2/token?client_assertion=" + forged, UriKind.Relative), Form(forged)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }

        using (var refused = await fixture.PostAssertionAsync(forged))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        // The same jti, signed by the device it names, is still unspent.
        using var genuine = await fixture.PostAssertionAsync(fixture.Sign(claims));
        Assert.Equal(HttpStatusCode.OK, genuine.StatusCode);
    }

    [Fact]
    public async Task TheAssertionOfARequestTheClientRateLimitRefusedIsSpent()
    {
        await using var gateway = await TokenGateway.StartAsync(null, null, null, "--Gateway:Tokens:RequestsPerClient", "1", "--Gateway:Tokens:RateLimitWindow", "00:00:01");
        var device = (await gateway.Registry.AddAsync("sensor-0001", "acme", [], default))!;
        using var client = gateway.Client();
        await gateway.GetAccessTokenAsync(client, device, DateTimeOffset.UtcNow);
        var assertion = TestAssertion.Create(device, gateway.TokenEndpoint, DateTimeOffset.UtcNow);
        using (var limited = await TokenGateway.RequestTokenAsync(client, TokenGateway.Form(assertion)))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        }

        var afterTheWindow = await Eventually.ValueAsync(
            async () =>
            {
                using var response = await TokenGateway.RequestTokenAsync(client, TokenGateway.Form(assertion));
                return response.StatusCode;
            },
            status => status != HttpStatusCode.TooManyRequests,
            "an answer after the rate-limit window");

        Assert.Equal(HttpStatusCode.Unauthorized, afterTheWindow);
        Assert.Equal("jti_reused", gateway.Audit.Events[^1].Outcome);
    }

    private static FormUrlEncodedContent Form(string assertion) =>
        new(TokenGateway.Form(assertion).Select(p => new KeyValuePair<string, string>(p.Item1, p.Item2)));

    private static async Task<HttpResponseMessage> PostWithBasicAsync(BadInputGateway f, string assertion)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/oauth2/token", UriKind.Relative)) { Content = Form(assertion) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("sensor-0001:secret"u8));
        return await f.Client.SendAsync(request);
    }
}
