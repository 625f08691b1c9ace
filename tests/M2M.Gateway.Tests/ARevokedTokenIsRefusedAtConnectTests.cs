using M2M.Gateway.Tests.Support;
using MQTTnet;

namespace M2M.Gateway.Tests;

/// <summary>
/// Issue 15 item 7 over HTTP and MQTT on loopback: a token revoked at <c>POST /oauth2/revoke</c>
/// (RFC 7009), by an operator of its tenant or by the device itself authenticated as at the token
/// endpoint, is refused at CONNECT with 0x86 and the reason <c>token_revoked</c>
/// (<c>m2m_mqtt_connects_total</c>); the device's other tokens are untouched, and a new one connects.
/// </summary>
public sealed class ARevokedTokenIsRefusedAtConnectTests : IAsyncLifetime
{
    private RevocationRig _rig = null!;

    [Fact]
    public async Task ATokenAnOperatorOfItsTenantRevokedIsRefusedAndTheDevicesOtherTokenStillConnects()
    {
        var device = await _rig.AddAsync("sensor-0001");
        var revoked = await _rig.TokenAsync(device);
        var other = await _rig.TokenAsync(device);
        var operatorClient = await _rig.KeyClientAsync(["operator"], "acme");

        await RevocationRig.RevokeAsync(operatorClient, revoked);

        var refused = await _rig.Device(device).ConnectAsync(revoked);
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, refused.ResultCode);
        var metrics = await _rig.MetricsAsync();
        Assert.Contains("m2m_mqtt_connects_total{result=\"token_revoked\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("m2m_token_validations_total{kind=\"access_token\",result=\"revoked\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("m2m_token_revocations_total{result=\"revoked\"} 1", metrics, StringComparison.Ordinal);
        var audited = Assert.Single(_rig.Gateway.Audit.Events, e => e.Action == "token.revoke");
        Assert.Equal(("sensor-0001", "revoked", "acme"), (audited.DeviceId, audited.Outcome, audited.Tenant));

        // Revocation is per token: the device's other token, and a new one, still connect.
        await _rig.ConnectAsync(device, other);
        await _rig.ConnectAsync(device, await _rig.TokenAsync(device));
    }

    [Fact]
    public async Task ATokenTheDeviceRevokedWithItsOwnAssertionIsRefused()
    {
        var device = await _rig.AddAsync("sensor-0001");
        var token = await _rig.TokenAsync(device);

        using var response = await RevocationRig.PostFormAsync(_rig.Client, RevocationRig.RevokePath,
        [
            ("token", token),
            .. TokenGateway.Form(TestAssertion.Create(device, _rig.Gateway.TokenEndpoint, _rig.Time.GetUtcNow())).Skip(1),
        ]);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);

        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, (await _rig.Device(device).ConnectAsync(token)).ResultCode);
        Assert.Contains("m2m_mqtt_connects_total{result=\"token_revoked\"} 1", await _rig.MetricsAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevokingTwiceAndRevokingGarbageAnswer200AndChangeNothing()
    {
        var device = await _rig.AddAsync("sensor-0001");
        var token = await _rig.TokenAsync(device);
        var admin = await _rig.KeyClientAsync(["admin"]);

        await RevocationRig.RevokeAsync(admin, token);
        await RevocationRig.RevokeAsync(admin, token);
        await RevocationRig.RevokeAsync(admin, "not-a-token");

        var metrics = await _rig.MetricsAsync();
        Assert.Contains("m2m_token_revocations_total{result=\"revoked\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("m2m_token_revocations_total{result=\"already_revoked\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("m2m_token_revocations_total{result=\"not_revocable\"} 1", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOperatorOfAnotherTenantGets200AndTheTokenStillConnects()
    {
        var device = await _rig.AddAsync("sensor-0001");
        var token = await _rig.TokenAsync(device);

        // RFC 7009 section 2.2 answers 200 for a token the caller cannot revoke: it must not learn it exists.
        await RevocationRig.RevokeAsync(await _rig.KeyClientAsync(["operator"], "globex"), token);

        await _rig.ConnectAsync(device, token);
        Assert.Contains("m2m_token_revocations_total{result=\"not_revocable\"} 1", await _rig.MetricsAsync(), StringComparison.Ordinal);
    }

    public async Task InitializeAsync() => _rig = await RevocationRig.StartAsync();

    public async Task DisposeAsync() => await _rig.DisposeAsync();
}
