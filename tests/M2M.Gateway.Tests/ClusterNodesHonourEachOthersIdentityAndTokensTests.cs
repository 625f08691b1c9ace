using System.Net.Http.Headers;
using M2M.Gateway.Keys;
using M2M.Gateway.Tests.Support;
using M2M.Testing;

namespace M2M.Gateway.Tests;

/// <summary>
/// Two gateways in Cluster mode on one PostgreSQL database are one identity service
/// (docs/scaling.md): a device registered through one gets a token from the other, and that token
/// is accepted by the first; an API key created on one works on the other; both publish the same
/// JWKS, also across a key rotation, whose new key is created once and used by both; an assertion
/// spent at one is refused at the other; a token revoked at one is refused at the other at once.
/// </summary>
public sealed class ClusterNodesHonourEachOthersIdentityAndTokensTests : IAsyncLifetime
{
    private ClusterNodes _cluster = null!;
    private TokenGateway _a = null!;
    private TokenGateway _b = null!;
    private readonly List<HttpClient> _clients = [];

    public async Task InitializeAsync()
    {
        _cluster = await ClusterNodes.StartAsync();
        var nodes = await Task.WhenAll(_cluster.StartNodeAsync("node-a"), _cluster.StartNodeAsync("node-b"));
        (_a, _b) = (nodes[0], nodes[1]);
    }

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task ADeviceRegisteredThroughOneNodeGetsATokenFromTheOtherThatTheFirstAccepts()
    {
        var device = (await _a.Registry.AddAsync("sensor-0001", "acme", [], default))!;
        var key = await _a.CreateKeyAsync(["admin"]);

        var token = await _b.GetAccessTokenAsync(Client(_b), device, _cluster.Time.GetUtcNow());

        var answer = await RevocationRig.IntrospectAsync(Client(_a, key), token);
        Assert.True(answer.GetProperty("active").GetBoolean(), answer.ToString());
        Assert.Equal("sensor-0001", answer.GetProperty("sub").GetString());
    }

    [Fact]
    public async Task BothNodesPublishOneJwksAndAKeyRotatedOnOneIsUsedAndAcceptedByTheOther()
    {
        Assert.Equal(await JwksAsync(_a), await JwksAsync(_b));
        var first = _a.Service<SigningKeyRing>().Current.KeyId;
        Assert.Equal(first, _b.Service<SigningKeyRing>().Current.KeyId);

        // The successor is published a day before it signs: created once, by whichever node looks first.
        var options = new SigningKeyOptions();
        _cluster.Time.Advance(options.RotationInterval - options.PublishAhead + TimeSpan.FromMinutes(1));
        Assert.Equal(2, _a.Service<SigningKeyRing>().Published.Count);
        Assert.Equal(await JwksAsync(_a), await JwksAsync(_b));

        _cluster.Time.Advance(options.PublishAhead);
        var device = (await _a.Registry.AddAsync("sensor-0002", "acme", [], default))!;
        var token = await _a.GetAccessTokenAsync(Client(_a), device, _cluster.Time.GetUtcNow());
        Assert.NotEqual(first, _b.Service<SigningKeyRing>().Current.KeyId);
        Assert.Equal(_a.Service<SigningKeyRing>().Current.KeyId, _b.Service<SigningKeyRing>().Current.KeyId);
        var answer = await RevocationRig.IntrospectAsync(Client(_b, await _b.CreateKeyAsync(["admin"])), token);
        Assert.True(answer.GetProperty("active").GetBoolean(), answer.ToString());
    }

    [Fact]
    public async Task AnAssertionSpentAtOneNodeIsRefusedAtTheOther()
    {
        var device = (await _a.Registry.AddAsync("sensor-0003", "acme", [], default))!;
        var assertion = TestAssertion.Create(device, _a.TokenEndpoint, _cluster.Time.GetUtcNow());

        using (var first = await TokenGateway.RequestTokenAsync(Client(_a), TokenGateway.Form(assertion)))
        {
            Assert.True(first.IsSuccessStatusCode, await first.Content.ReadAsStringAsync());
        }

        using var again = await TokenGateway.RequestTokenAsync(Client(_b), TokenGateway.Form(assertion));
        Assert.False(again.IsSuccessStatusCode);
        Assert.Equal("jti_reused", _b.Audit.Events.Single(e => e.Action == "token.refused").Outcome);
    }

    [Fact]
    public async Task ATokenRevokedAtOneNodeIsRefusedAtTheOtherAtOnce()
    {
        var device = (await _a.Registry.AddAsync("sensor-0004", "acme", [], default))!;
        var key = await _a.CreateKeyAsync(["admin"]);
        var token = await _a.GetAccessTokenAsync(Client(_a), device, _cluster.Time.GetUtcNow());
        Assert.True((await RevocationRig.IntrospectAsync(Client(_b, key), token)).GetProperty("active").GetBoolean());

        await RevocationRig.RevokeAsync(Client(_a, key), token);

        // Well within the 30 s reload: it is the notice that tells node B.
        await Eventually.TrueAsync(
            async () => !(await RevocationRig.IntrospectAsync(Client(_b, key), token)).GetProperty("active").GetBoolean(),
            "node B to refuse the token node A revoked",
            TimeSpan.FromSeconds(10));
    }

    private static async Task<string> JwksAsync(TokenGateway node)
    {
        using var client = node.Client();
        return await client.GetStringAsync(new Uri("/.well-known/jwks.json", UriKind.Relative));
    }

    private HttpClient Client(TokenGateway node, string? bearer = null)
    {
        var client = node.Client();
        if (bearer != null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        _clients.Add(client);
        return client;
    }
}
