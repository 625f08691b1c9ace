using M2M.Gateway.Ingress.Seams;
using M2M.Gateway.Tests.Support;

namespace M2M.Gateway.Tests;

/// <summary>
/// Claim mappings of a trusted external issuer (docs/tokens.md, "Trusted issuers"): several audiences
/// per issuer (any one suffices), the authentik layout where each device is its own provider and
/// <c>aud</c> is the device id, the device id, tenant and roles read from nested claims by a dotted
/// path (Keycloak's <c>realm_access.roles</c>); an issuer listed twice or without any audience stops
/// the start with a message naming the setting.
/// </summary>
public class TrustedIssuersMapAudiencesAndNestedClaimsTests
{
    private static readonly string[] Telemetry = ["telemetry"];

    [Fact]
    public async Task AnyConfiguredAudienceIsAcceptedAndNoOther()
    {
        await using var idp = await OidcIssuerStub.StartAsync();
        await using var gateway = await TokenGateway.StartAsync(null, null, null,
        [
            .. Issuer(idp),
            "--Gateway:TrustedIssuers:0:Audiences:0", "provider-a",
            "--Gateway:TrustedIssuers:0:Audiences:1", "provider-b",
        ]);
        var validator = gateway.Service<IAccessTokenValidator>();

        Assert.True((await validator.ValidateAccessTokenAsync(idp.Issue(Claims("provider-a")), default)).Succeeded);
        Assert.True((await validator.ValidateAccessTokenAsync(idp.Issue(Claims("provider-b")), default)).Succeeded);
        Assert.Equal("wrong_audience", (await validator.ValidateAccessTokenAsync(idp.Issue(Claims("provider-c")), default)).Reason);
    }

    [Fact]
    public async Task WithDeviceIdAudienceATokenForTheDeviceItselfIsAcceptedAndOneForAnotherDeviceIsNot()
    {
        await using var idp = await OidcIssuerStub.StartAsync();
        await using var gateway = await TokenGateway.StartAsync(null, null, null,
            [.. Issuer(idp), "--Gateway:TrustedIssuers:0:DeviceIdAudience", "true"]);
        var validator = gateway.Service<IAccessTokenValidator>();

        var own = await validator.ValidateAccessTokenAsync(idp.Issue(Claims("sensor-0001")), default);
        Assert.True(own.Succeeded, own.Reason);
        Assert.Equal("sensor-0001", own.DeviceId);
        Assert.Equal("wrong_audience", (await validator.ValidateAccessTokenAsync(idp.Issue(Claims("sensor-0002")), default)).Reason);
    }

    [Fact]
    public async Task DeviceIdTenantAndRolesAreReadFromNestedClaims()
    {
        await using var idp = await OidcIssuerStub.StartAsync();
        await using var gateway = await TokenGateway.StartAsync(null, null, null,
        [
            .. Issuer(idp),
            "--Gateway:TrustedIssuers:0:Audience", "m2m-gateway",
            "--Gateway:TrustedIssuers:0:TenantClaim", "attributes.tenant",
            "--Gateway:TrustedIssuers:0:RolesClaim", "realm_access.roles",
        ]);
        var validator = gateway.Service<IAccessTokenValidator>();
        var claims = Claims("m2m-gateway");
        claims["realm_access"] = new Dictionary<string, object> { ["roles"] = Telemetry };
        claims["attributes"] = new Dictionary<string, object> { ["tenant"] = "acme" };

        var token = await validator.ValidateAccessTokenAsync(idp.Issue(claims), default);

        Assert.True(token.Succeeded, token.Reason);
        Assert.Equal("acme", token.Tenant);
        Assert.Equal(Telemetry, token.Roles);
        claims.Remove("attributes");
        Assert.Equal("missing_tenant", (await validator.ValidateAccessTokenAsync(idp.Issue(claims), default)).Reason);
    }

    [Fact]
    public async Task AnIssuerListedTwiceOrWithoutAudienceStopsTheStart()
    {
        await using var idp = await OidcIssuerStub.StartAsync();
        var twice = await Assert.ThrowsAsync<InvalidOperationException>(async () => await (await TokenGateway.StartAsync(null, null, null,
        [
            .. Issuer(idp), "--Gateway:TrustedIssuers:0:Audience", "a",
            "--Gateway:TrustedIssuers:1:Authority", idp.Authority, "--Gateway:TrustedIssuers:1:Audience", "b",
        ])).DisposeAsync());
        Assert.StartsWith("Gateway:TrustedIssuers", twice.Message, StringComparison.Ordinal);
        Assert.Contains("twice", twice.Message, StringComparison.Ordinal);

        var none = await Assert.ThrowsAsync<InvalidOperationException>(async () => await (await TokenGateway.StartAsync(null, null, null, Issuer(idp))).DisposeAsync());
        Assert.Contains("Audience", none.Message, StringComparison.Ordinal);
    }

    private static string[] Issuer(OidcIssuerStub idp) =>
    [
        "--Gateway:TrustedIssuers:0:Authority", idp.Authority,
        "--Gateway:TrustedIssuers:0:DeviceIdClaim", "client_id",
        "--Gateway:TrustedIssuers:0:RequireHttps", "false",
    ];

    private static Dictionary<string, object> Claims(string audience) => new()
    {
        ["aud"] = audience,
        ["sub"] = "ak-service-account-1",
        ["client_id"] = "sensor-0001",
    };
}
