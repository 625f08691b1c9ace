using System.Text.Json;
using M2M.Gateway.Tests.Support;

namespace M2M.Gateway.Tests;

/// <summary>
/// Issue 15 item 7, <c>POST /oauth2/introspect</c> (RFC 7662): an active token of the gateway is
/// described with the members of section 2.2 and the gateway's own claims (tenant, roles,
/// m2m_gen); an expired, revoked, garbage or outdated (rotated device) token, and any token of
/// another tenant asked about by a tenant-scoped principal, is <c>{"active":false}</c> and nothing more.
/// </summary>
public sealed class IntrospectionAnswersActiveOnlyForUsableTokensOfTheCallersTenantTests : IAsyncLifetime
{
    private RevocationRig _rig = null!;
    private HttpClient _acmeOperator = null!;

    [Fact]
    public async Task AnActiveTokenIsDescribedWithItsClaims()
    {
        var device = await _rig.AddAsync("sensor-0001", "acme", "sensor");
        var token = await _rig.TokenAsync(device);
        var now = _rig.Time.GetUtcNow().ToUnixTimeSeconds();

        var answer = await RevocationRig.IntrospectAsync(_acmeOperator, token);

        var jwt = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(token);
        Assert.True(answer.GetProperty("active").GetBoolean());
        Assert.Equal("Bearer", answer.GetProperty("token_type").GetString());
        Assert.Equal("sensor-0001", answer.GetProperty("sub").GetString());
        Assert.Equal("sensor-0001", answer.GetProperty("client_id").GetString());
        Assert.Equal(jwt.Issuer, answer.GetProperty("iss").GetString());
        Assert.Equal("urn:m2m:gateway", answer.GetProperty("aud").GetString());
        Assert.Equal(jwt.Id, answer.GetProperty("jti").GetString());
        Assert.Equal(now, answer.GetProperty("iat").GetInt64());
        Assert.Equal(now, answer.GetProperty("nbf").GetInt64());
        Assert.Equal(now + 3600, answer.GetProperty("exp").GetInt64());
        Assert.Equal("acme", answer.GetProperty("tenant").GetString());
        Assert.Equal(["sensor"], answer.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(1, answer.GetProperty("m2m_gen").GetInt64());
        Assert.DoesNotContain(answer.EnumerateObject(), p => p.Name == "scope");
    }

    [Fact]
    public async Task AnExpiredTokenIsInactive()
    {
        var token = await _rig.TokenAsync(await _rig.AddAsync("sensor-0001"));

        // The lifetime and the skew (60 s) the validation allows: past both, nothing accepts the token.
        _rig.Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(60));

        AssertInactive(await RevocationRig.IntrospectAsync(_acmeOperator, token));
    }

    [Fact]
    public async Task ARevokedTokenIsInactive()
    {
        var token = await _rig.TokenAsync(await _rig.AddAsync("sensor-0001"));
        Assert.True((await RevocationRig.IntrospectAsync(_acmeOperator, token)).GetProperty("active").GetBoolean());

        await RevocationRig.RevokeAsync(_acmeOperator, token);

        AssertInactive(await RevocationRig.IntrospectAsync(_acmeOperator, token));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("eyJhbGciOiJub25lIn0.eyJzdWIiOiJzZW5zb3ItMDAwMSJ9.")]
    public async Task GarbageIsInactive(string token) =>
        AssertInactive(await RevocationRig.IntrospectAsync(_acmeOperator, token));

    [Fact]
    public async Task ATokenOfARotatedDeviceIsInactive()
    {
        var token = await _rig.TokenAsync(await _rig.AddAsync("sensor-0001"));

        Assert.NotNull(await _rig.Gateway.Registry.RotateSecretAsync("sensor-0001", default));

        AssertInactive(await RevocationRig.IntrospectAsync(_acmeOperator, token));
    }

    [Fact]
    public async Task AnotherTenantsPrincipalLearnsNothingAndAGlobalAdminSeesIt()
    {
        var token = await _rig.TokenAsync(await _rig.AddAsync("sensor-0001", "acme"));

        AssertInactive(await RevocationRig.IntrospectAsync(await _rig.KeyClientAsync(["admin"], "globex"), token));
        Assert.True((await RevocationRig.IntrospectAsync(await _rig.KeyClientAsync(["admin"]), token)).GetProperty("active").GetBoolean());
    }

    public async Task InitializeAsync()
    {
        _rig = await RevocationRig.StartAsync();
        _acmeOperator = await _rig.KeyClientAsync(["operator"], "acme");
    }

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    /// <summary>RFC 7662 section 2.2: an inactive token's answer is exactly {"active":false}.</summary>
    private static void AssertInactive(JsonElement answer) => Assert.Equal("""{"active":false}""", answer.GetRawText());
}
