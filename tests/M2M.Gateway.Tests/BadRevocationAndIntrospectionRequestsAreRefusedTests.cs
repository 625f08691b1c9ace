using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using M2M.Gateway.Registry;
using M2M.Gateway.Tests.Support;

namespace M2M.Gateway.Tests;

/// <summary>One gateway with an admin API and two devices, shared by every bad request.</summary>
public sealed class BadRevocationRequestsGateway : IAsyncLifetime
{
    public RevocationRig Rig { get; private set; } = null!;

    public DeviceCredential Device { get; private set; } = null!;

    public DeviceCredential Other { get; private set; } = null!;

    public string Token { get; private set; } = null!;

    public string OtherToken { get; private set; } = null!;

    public string AdminKey { get; private set; } = null!;

    public string ViewerKey { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Rig = await RevocationRig.StartAsync();
        Device = await Rig.AddAsync("sensor-0001");
        Other = await Rig.AddAsync("sensor-0002");
        Token = await Rig.TokenAsync(Device);
        OtherToken = await Rig.TokenAsync(Other);
        AdminKey = await Rig.Gateway.CreateKeyAsync(["admin"]);
        ViewerKey = await Rig.Gateway.CreateKeyAsync(["viewer"]);
    }

    public async Task DisposeAsync() => await Rig.DisposeAsync();

    /// <summary>The parameters of a client assertion of <paramref name="device"/> (docs/protocol.md section 3.1).</summary>
    public (string, string)[] Assertion(DeviceCredential device) =>
        [.. TokenGateway.Form(TestAssertion.Create(device, Rig.Gateway.TokenEndpoint, Rig.Time.GetUtcNow())).Skip(1)];
}

/// <summary>
/// Issue 15 item 7: requests to <c>/oauth2/revoke</c> (RFC 7009) and <c>/oauth2/introspect</c> (RFC
/// 7662) that are not well-formed or not authenticated are answered with the errors of RFC 7009
/// section 2.2.1 / RFC 6749 section 5.2 (and RFC 6750 section 3.1 for a bearer credential without
/// the role), never cached, and counted by reason; a wrong method is 405; nothing is revoked.
/// </summary>
public sealed class BadRevocationAndIntrospectionRequestsAreRefusedTests(BadRevocationRequestsGateway fixture) : IClassFixture<BadRevocationRequestsGateway>
{
    [Theory]
    [InlineData("revoke: no client authentication", HttpStatusCode.Unauthorized, "invalid_client", null)]
    [InlineData("introspect: no client authentication", HttpStatusCode.Unauthorized, "invalid_client", null)]
    [InlineData("revoke: unknown API key", HttpStatusCode.Unauthorized, "invalid_client", "Bearer realm=\"m2m-gateway\"")]
    [InlineData("introspect: unknown API key", HttpStatusCode.Unauthorized, "invalid_client", "Bearer realm=\"m2m-gateway\"")]
    [InlineData("revoke: Basic authentication", HttpStatusCode.Unauthorized, "invalid_client", "Basic realm=\"m2m-gateway\"")]
    [InlineData("revoke: forged client assertion", HttpStatusCode.Unauthorized, "invalid_client", null)]
    [InlineData("introspect: client assertion", HttpStatusCode.Unauthorized, "invalid_client", null)]
    [InlineData("introspect: viewer key", HttpStatusCode.Forbidden, "insufficient_scope", "Bearer realm=\"m2m-gateway\", error=\"insufficient_scope\"")]
    [InlineData("revoke: the device's access token as bearer", HttpStatusCode.Forbidden, "insufficient_scope", "Bearer realm=\"m2m-gateway\", error=\"insufficient_scope\"")]
    [InlineData("revoke: missing token", HttpStatusCode.BadRequest, "invalid_request", null)]
    [InlineData("introspect: missing token", HttpStatusCode.BadRequest, "invalid_request", null)]
    [InlineData("revoke: token in the query string", HttpStatusCode.BadRequest, "invalid_request", null)]
    [InlineData("introspect: JSON body", HttpStatusCode.BadRequest, "invalid_request", null)]
    [InlineData("revoke: token twice", HttpStatusCode.BadRequest, "invalid_request", null)]
    [InlineData("revoke: bearer and client assertion", HttpStatusCode.BadRequest, "invalid_request", null)]
    [InlineData("revoke: another device's token", HttpStatusCode.BadRequest, "unauthorized_client", null)]
    public async Task IsRefusedWithTheRfcError(string request, HttpStatusCode status, string error, string? challenge)
    {
        using var response = await SendAsync(request);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{response.StatusCode}: {body}");
        Assert.Equal(error, JsonDocument.Parse(body).RootElement.GetProperty("error").GetString());
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        // RFC 6749 section 5.2 and RFC 6750 section 3: a challenge in the scheme the client authenticated with.
        Assert.Equal(challenge, response.Headers.WwwAuthenticate.SingleOrDefault()?.ToString());

        // Nothing was revoked: both devices' tokens are still active.
        using var admin = fixture.Rig.NewClient(fixture.AdminKey);
        Assert.True((await RevocationRig.IntrospectAsync(admin, fixture.Token)).GetProperty("active").GetBoolean());
        Assert.True((await RevocationRig.IntrospectAsync(admin, fixture.OtherToken)).GetProperty("active").GetBoolean());
    }

    [Theory]
    [InlineData(RevocationRig.RevokePath)]
    [InlineData(RevocationRig.IntrospectPath)]
    public async Task AnyMethodButPostIs405(string path)
    {
        using var client = fixture.Rig.NewClient(fixture.AdminKey);

        using var response = await client.GetAsync(new Uri(path + "?token=" + fixture.Token, UriKind.Relative));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains("POST", response.Content.Headers.Allow);
    }

    private async Task<HttpResponseMessage> SendAsync(string request)
    {
        var rig = fixture.Rig;
        var path = request.StartsWith("revoke", StringComparison.Ordinal) ? RevocationRig.RevokePath : RevocationRig.IntrospectPath;
        (string, string) token = ("token", fixture.Token);
        switch (request[(request.IndexOf(':', StringComparison.Ordinal) + 2)..])
        {
            case "no client authentication":
                return await RevocationRig.PostFormAsync(rig.Client, path, token);
            case "unknown API key":
                return await RevocationRig.PostFormAsync(rig.NewClient("m2m_key_" + new string('A', 43)), path, token);
            case "Basic authentication":
                var basic = rig.NewClient(null);
                basic.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes("sensor-0001:secret")));
                return await RevocationRig.PostFormAsync(basic, path, token);
            case "forged client assertion":
                var forged = await rig.AddAsync("sensor-forged");
                return await RevocationRig.PostFormAsync(rig.Client, path, [token, .. fixture.Assertion(forged with { Device = fixture.Device.Device })]);
            case "client assertion":
                return await RevocationRig.PostFormAsync(rig.Client, path, [token, .. fixture.Assertion(fixture.Device)]);
            case "viewer key":
                return await RevocationRig.PostFormAsync(rig.NewClient(fixture.ViewerKey), path, token);
            case "the device's access token as bearer":
                return await RevocationRig.PostFormAsync(rig.NewClient(fixture.Token), path, token);
            case "missing token":
                return await RevocationRig.PostFormAsync(rig.NewClient(fixture.AdminKey), path, ("token_type_hint", "access_token"));
            case "token in the query string":
                return await rig.NewClient(fixture.AdminKey).PostAsync(new Uri(path + "?token=" + fixture.Token, UriKind.Relative), new FormUrlEncodedContent([]));
            case "JSON body":
                return await rig.NewClient(fixture.AdminKey).PostAsync(new Uri(path, UriKind.Relative), new StringContent($$"""{"token":"{{fixture.Token}}"}""", Encoding.UTF8, "application/json"));
            case "token twice":
                return await RevocationRig.PostFormAsync(rig.NewClient(fixture.AdminKey), path, token, ("token", fixture.OtherToken));
            case "bearer and client assertion":
                return await RevocationRig.PostFormAsync(rig.NewClient(fixture.AdminKey), path, [token, .. fixture.Assertion(fixture.Device)]);
            case "another device's token":
                return await RevocationRig.PostFormAsync(rig.Client, path, [("token", fixture.OtherToken), .. fixture.Assertion(fixture.Device)]);
            default:
                throw new ArgumentOutOfRangeException(nameof(request), request, null);
        }
    }
}
