using System.Net;
using M2M.Gateway.Tests.Support;

namespace M2M.Gateway.Tests;

/// <summary>
/// Issue 15 item 4 (docs/tokens.md, "Service clients"): a service client's tokens are bound to the
/// generation of its secret and to its state. Rotating the secret refuses the old secret and every
/// token issued before at once (the new secret gets working tokens); revoking the client refuses its
/// secret (<c>client_revoked</c>) and every token it holds.
/// </summary>
public sealed class RotatingOrRevokingAServiceClientEndsItsTokensTests : IAsyncLifetime
{
    private static readonly string[] ViewerRole = ["viewer"];

    private RevocationRig _rig = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _rig = await RevocationRig.StartAsync();
        _admin = await _rig.KeyClientAsync(["admin"]);
    }

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task ARotationRefusesTheOldSecretAndEveryEarlierToken()
    {
        var secret = await ServiceClients.CreateClientAsync(_admin, "dashboard", ViewerRole);
        var before = await ServiceClients.TokenAsync(_rig.Client, "dashboard", secret);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(before));

        using var rotated = await _admin.PostAsync(new Uri("/admin/v1/clients/dashboard/rotate", UriKind.Relative), null);
        var body = System.Text.Json.JsonDocument.Parse(await rotated.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(2, body.GetProperty("generation").GetInt64());
        var newSecret = body.GetProperty("secret").GetString()!;

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(before));
        using (var old = await ServiceClients.RequestWithBasicAsync(_rig.Client, "dashboard", secret))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        }

        Assert.Equal("bad_client_secret", _rig.Gateway.Audit.Events.Last(e => e.Action == "token.refused").Outcome);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(await ServiceClients.TokenAsync(_rig.Client, "dashboard", newSecret)));
    }

    [Fact]
    public async Task ARevocationRefusesTheSecretAndEveryToken()
    {
        var secret = await ServiceClients.CreateClientAsync(_admin, "dashboard", ViewerRole);
        var token = await ServiceClients.TokenAsync(_rig.Client, "dashboard", secret);

        using (var revoked = await _admin.PostAsync(new Uri("/admin/v1/clients/dashboard/revoke", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(token));
        using var refused = await ServiceClients.RequestWithBasicAsync(_rig.Client, "dashboard", secret);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("client_revoked", _rig.Gateway.Audit.Events.Last(e => e.Action == "token.refused").Outcome);
        Assert.Contains(_rig.Gateway.Audit.Events, e => e.Action == "admin.authenticate" && e.Outcome == "client_revoked");
    }

    private async Task<HttpStatusCode> StatusAsync(string token)
    {
        var client = _rig.NewClient(token);
        using var response = await client.GetAsync(new Uri("/admin/v1/devices", UriKind.Relative));
        return response.StatusCode;
    }
}
