using System.Net;
using M2M.Gateway.Tests.Support;
using MQTTnet;

namespace M2M.Gateway.Tests;

/// <summary>
/// Issue 15 items 4 and 7 together (docs/tokens.md, "Service clients", "Revocation and
/// introspection"): a service client's token is introspected (RFC 7662) with its claims while usable
/// and revoked (RFC 7009) by an operator, after which the APIs refuse it; a tenant-scoped operator of
/// another tenant learns nothing of a global client's token and cannot revoke it. A service token never
/// opens an MQTT session: CONNECT refuses it with 0x86 (<c>token_service_token</c>).
/// </summary>
public sealed class ServiceTokensAreRevocableIntrospectableAndRefusedAtConnectTests : IAsyncLifetime
{
    private static readonly string[] ReaderRole = ["viewer"];

    private RevocationRig _rig = null!;
    private string _token = null!;

    public async Task InitializeAsync()
    {
        _rig = await RevocationRig.StartAsync();
        var admin = await _rig.KeyClientAsync(["admin"]);
        var secret = await ServiceClients.CreateClientAsync(admin, "exporter", ReaderRole);
        _token = await ServiceClients.TokenAsync(_rig.Client, "exporter", secret);
    }

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task AnOperatorIntrospectsAndRevokesIt()
    {
        var operatorClient = await _rig.KeyClientAsync(["operator"]);
        var reader = _rig.NewClient(_token);
        Assert.Equal(HttpStatusCode.OK, (await ServiceClients.GetAsync(reader, "/admin/v1/devices")).Status);

        var active = await RevocationRig.IntrospectAsync(operatorClient, _token);
        Assert.True(active.GetProperty("active").GetBoolean());
        Assert.Equal("client:exporter", active.GetProperty("sub").GetString());
        Assert.Equal("exporter", active.GetProperty("client_id").GetString());
        Assert.False(active.TryGetProperty("tenant", out _));
        Assert.Equal(ReaderRole, active.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));

        await RevocationRig.RevokeAsync(operatorClient, _token);

        Assert.False((await RevocationRig.IntrospectAsync(operatorClient, _token)).GetProperty("active").GetBoolean());
        Assert.Equal(HttpStatusCode.Unauthorized, (await ServiceClients.GetAsync(reader, "/admin/v1/devices")).Status);
        Assert.Contains(_rig.Gateway.Audit.Events, e => e.Action == "token.revoke" && e.Outcome == "revoked");
    }

    [Fact]
    public async Task AnOperatorOfOneTenantNeitherSeesNorRevokesAGlobalClientsToken()
    {
        var acmeOperator = await _rig.KeyClientAsync(["operator"], "acme");

        Assert.False((await RevocationRig.IntrospectAsync(acmeOperator, _token)).GetProperty("active").GetBoolean());
        await RevocationRig.RevokeAsync(acmeOperator, _token);

        Assert.Equal(HttpStatusCode.OK, (await ServiceClients.GetAsync(_rig.NewClient(_token), "/admin/v1/devices")).Status);
    }

    [Fact]
    public async Task ConnectRefusesIt()
    {
        // A device whose id and MQTT client id are the client's: the token names no device.
        var device = await _rig.AddAsync("exporter");

        var refused = await _rig.Device(device).ConnectAsync(_token);

        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, refused.ResultCode);
        Assert.Contains("m2m_mqtt_connects_total{result=\"token_service_token\"} 1", await _rig.MetricsAsync(), StringComparison.Ordinal);
    }
}
