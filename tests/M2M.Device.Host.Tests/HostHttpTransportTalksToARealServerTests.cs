using M2M.Device.Core.Host.Platform;
using M2M.Device.Core.Tokens;
using M2M.Testing;
using Xunit;

namespace M2M.Device.Host.Tests;

/// <summary>The host HTTP transport over real sockets: what it sends, what it reads back, how it fails.</summary>
public sealed class HostHttpTransportTalksToARealServerTests
{
    [Fact]
    public async Task PostsTheFormWithItsAuthorizationAndReadsStatusBodyDateAndRetryAfter()
    {
        await using var server = await LoopbackTokenServer.StartAsync();
        server.Answers.Enqueue((429, "{\"error\":\"temporarily_unavailable\"}", "30", TimeSpan.Zero));
        using var transport = new HostHttpTransport(TimeSpan.FromSeconds(10), null);

        var result = transport.PostForm(server.TokenEndpoint, "grant_type=client_credentials&scope=a+b", "Basic dTpw");

        Assert.Equal(429, result.StatusCode);
        Assert.Equal("{\"error\":\"temporarily_unavailable\"}", result.Body);
        Assert.Equal("30", result.RetryAfter);
        Assert.True(HttpDate.Parse(result.Date) > 0, "Kestrel sends an IMF-fixdate Date header");
        Assert.True(server.Requests.TryDequeue(out var request));
        Assert.StartsWith("application/x-www-form-urlencoded", request.ContentType, StringComparison.Ordinal);
        Assert.Equal("Basic dTpw", request.Authorization);
        Assert.Equal("client_credentials", request.Form["grant_type"]);
        Assert.Equal("a b", request.Form["scope"]);
    }

    [Fact]
    public void NothingListeningIsNoResponse()
    {
        using var transport = new HostHttpTransport(TimeSpan.FromSeconds(10), null);

        var result = transport.PostForm("http://127.0.0.1:" + LoopbackPort.Free() + "/oauth2/token", "grant_type=client_credentials", null);

        Assert.Equal(0, result.StatusCode);
        Assert.NotNull(result.Failure);
    }

    [Fact]
    public async Task AServerThatDoesNotAnswerInTimeIsNoResponse()
    {
        await using var server = await LoopbackTokenServer.StartAsync();
        server.Answers.Enqueue((200, "{}", null, TimeSpan.FromSeconds(30)));
        using var transport = new HostHttpTransport(TimeSpan.FromMilliseconds(300), null);

        var result = transport.PostForm(server.TokenEndpoint, "grant_type=client_credentials", null);

        Assert.Equal(0, result.StatusCode);
        Assert.Equal("timeout", result.Failure);
    }
}
