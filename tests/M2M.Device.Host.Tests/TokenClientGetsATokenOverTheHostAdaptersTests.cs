using System.Security.Cryptography;
using System.Text;
using M2M.Device.Core.Crypto;
using M2M.Device.Core.Host.Platform;
using M2M.Device.Core.Storage;
using M2M.Device.Core.Time;
using M2M.Device.Core.Tokens;
using Xunit;

namespace M2M.Device.Host.Tests;

/// <summary>The device core's token client, on the host adapters, against a real HTTP server.</summary>
public sealed class TokenClientGetsATokenOverTheHostAdaptersTests
{
    [Fact]
    public async Task AnAssertionSignedUnderKAuthBuysATokenAndRefusalsStopTheClient()
    {
        await using var server = await LoopbackTokenServer.StartAsync();
        server.Answers.Enqueue((200, "{\"access_token\":\"at-1\",\"token_type\":\"Bearer\",\"expires_in\":60}", null, TimeSpan.Zero));
        server.Answers.Enqueue((401, "{\"error\":\"invalid_client\"}", null, TimeSpan.Zero));
        var secret = RandomNumberGenerator.GetBytes(32);
        var credential = new DeviceCredential("sensor-0042", secret, server.TokenEndpoint, "127.0.0.1", 1883);
        var hmac = new HostHmacSha256();
        var keys = DeviceKeys.Derive(secret, hmac);
        var clock = new DeviceClock(new HostClock());
        using var transport = new HostHttpTransport(TimeSpan.FromSeconds(10), null);
        var client = new TokenClient(credential, keys, hmac, new HostRandom(), clock, transport, new HostJsonParser(), new TokenPolicy());

        Assert.True(client.RefreshIfDue());
        Assert.Equal("at-1", client.AccessToken);
        Assert.True(server.Requests.TryDequeue(out var request));
        var assertion = request.Form["client_assertion"].ToString();
        var dot = assertion.LastIndexOf('.');
        Assert.Equal(Base64Url.Encode(HMACSHA256.HashData(keys.AuthKey, Encoding.ASCII.GetBytes(assertion[..dot]))), assertion[(dot + 1)..]);
        Assert.Equal("sensor-0042", request.Form["client_id"]);

        client.Invalidate();
        Assert.False(client.RefreshIfDue());
        Assert.Equal(TokenState.Refused, client.State);
        Assert.Equal("invalid_client", client.LastError);
    }
}
