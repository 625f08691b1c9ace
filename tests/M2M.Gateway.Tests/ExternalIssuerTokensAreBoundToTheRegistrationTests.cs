using M2M.Gateway.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using MQTTnet;
using MQTTnet.Formatter;

namespace M2M.Gateway.Tests;

/// <summary>
/// The rule for tokens of a trusted external issuer (docs/tokens.md, "Trusted issuers"), which carry
/// no m2m_gen: a token counts only if issued (iat) no earlier than the device's current secret came
/// into force (registration or rotation), else CONNACK 0x86; the registry's tenant and roles decide,
/// a configured tenant claim must equal the registry's (else 0x87 tenant_mismatch) and a configured
/// roles claim only narrows the registry's roles. Real registry and validator, a loopback identity
/// provider, the MQTT ingress over a real socket.
/// </summary>
public sealed class ExternalIssuerTokensAreBoundToTheRegistrationTests : IAsyncLifetime
{
    private const string DeviceId = "sensor-0001";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly List<IMqttClient> _clients = [];
    private OidcIssuerStub _idp = null!;
    private TokenGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _idp = await OidcIssuerStub.StartAsync();
        _gateway = await TokenGateway.StartAsync(_time, null, null,
        [
            .. _idp.TrustedIssuerArguments(),

            // Observers may follow their own tenant's alerts: the role is visible over MQTT.
            "--Gateway:Mqtt:Authorization:Rules:0:Role", "observer",
            "--Gateway:Mqtt:Authorization:Rules:0:Subscribe:0", "tenants/{tenant}/alerts",
        ]);
    }

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        await _gateway.DisposeAsync();
        await _idp.DisposeAsync();
    }

    [Fact]
    public async Task ATokenIssuedBeforeTheCurrentCredentialIsRefused()
    {
        var registeredAt = _time.GetUtcNow();
        await _gateway.Registry.AddAsync(DeviceId, "acme", [], default);

        // Issued to an earlier registration of the id, a minute before this one.
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, await ConnectAsync(Token(registeredAt.AddMinutes(-1))));
        Assert.Equal(MqttClientConnectResultCode.Success, await ConnectAsync(Token(registeredAt)));

        _time.Advance(TimeSpan.FromMinutes(2.5) + TimeSpan.FromMilliseconds(500));
        var rotatedAt = _time.GetUtcNow();
        await _gateway.Registry.RotateSecretAsync(DeviceId, default);

        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, await ConnectAsync(Token(rotatedAt.AddSeconds(-1))));
        // iat is whole seconds: a token of the rotation's own second counts.
        Assert.Equal(MqttClientConnectResultCode.Success, await ConnectAsync(Token(rotatedAt.AddMilliseconds(-rotatedAt.Millisecond))));
    }

    [Fact]
    public async Task TheRegistrysTenantDecidesAndAConflictingTenantClaimIsRefused()
    {
        await _gateway.Registry.AddAsync(DeviceId, "acme", ["observer"], default);

        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, await ConnectAsync(Token(_time.GetUtcNow(), tenant: "globex")));
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, await ConnectAsync(Token(_time.GetUtcNow(), tenant: null)));

        var client = await ConnectedAsync(Token(_time.GetUtcNow(), roles: ["observer"]));
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await SubscribeAsync(client, "tenants/acme/alerts"));
        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, await SubscribeAsync(client, "tenants/globex/alerts"));
    }

    [Theory]
    [InlineData(new string[0], new[] { "observer" }, false)]
    [InlineData(new[] { "observer" }, new string[0], false)]
    [InlineData(new[] { "observer" }, new[] { "observer", "admin" }, true)]
    public async Task ARolesClaimOnlyNarrowsTheRegistrysRoles(string[] registryRoles, string[] tokenRoles, bool observer)
    {
        await _gateway.Registry.AddAsync(DeviceId, "acme", registryRoles, default);

        var client = await ConnectedAsync(Token(_time.GetUtcNow(), roles: tokenRoles));

        Assert.Equal(observer ? MqttClientSubscribeResultCode.GrantedQoS1 : MqttClientSubscribeResultCode.NotAuthorized, await SubscribeAsync(client, "tenants/acme/alerts"));
    }

    private string Token(DateTimeOffset issuedAt, string? tenant = "acme", string[]? roles = null)
    {
        var claims = new Dictionary<string, object>
        {
            ["aud"] = "m2m-gateway",
            ["sub"] = "5b7f0c9e-service-account",
            ["azp"] = DeviceId,
            ["roles"] = roles ?? [],
        };
        if (tenant != null)
        {
            claims["tenant"] = tenant;
        }

        return _idp.Issue(claims, now: issuedAt);
    }

    private async Task<MqttClientConnectResultCode> ConnectAsync(string token)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        _clients.Add(client);
        var result = await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", _gateway.MqttPort)
            .WithProtocolVersion(MqttProtocolVersion.V500).WithClientId(DeviceId)
            .WithCredentials(DeviceId, token).WithCleanStart(true).Build());
        return result.ResultCode;
    }

    private async Task<IMqttClient> ConnectedAsync(string token)
    {
        Assert.Equal(MqttClientConnectResultCode.Success, await ConnectAsync(token));
        return _clients[^1];
    }

    private static async Task<MqttClientSubscribeResultCode> SubscribeAsync(IMqttClient client, string filter) =>
        (await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(filter, MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build())).Items.Single().ResultCode;
}
