using M2M.Gateway.Tests.Support;
using M2M.Gateway.TestHost;
using Microsoft.Extensions.Time.Testing;
using MQTTnet;
using MQTTnet.Formatter;
using System.Security.Cryptography;

namespace M2M.Gateway.Tests;

/// <summary>
/// CONNECT is refused with the reason codes of docs/protocol.md section 9.2, over a real socket, and
/// each outcome is counted under its label of docs/ingress.md ("CONNECT"):
/// <c>m2m_mqtt_connects_total{result=...}</c>.
/// </summary>
public sealed class ConnectIsCheckedAgainstTokenAndRegistryTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = TestClock.Fixed();
    private readonly TestWorld _world = TestWorld.Create(("sensor-1", "acme"), ("sensor-2", "acme"));
    private InProcessGateway _gateway = null!;

    public async Task InitializeAsync() => _gateway = await InProcessGateway.StartAsync(_world, _time);

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task AValidTokenConnects()
    {
        await using var device = _gateway.Device("sensor-1");
        var result = await device.ConnectAsync(_world.MintAccessToken("sensor-1", _time.GetUtcNow()));
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        Assert.True(result.MaximumPacketSize > 64 * 1024);
        await AssertCountedAsync("ok");
    }

    [Fact]
    public async Task ATokenSignedByAnotherKeyIsBadUserNameOrPassword()
    {
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await using var device = _gateway.Device("sensor-1");
        var result = await device.ConnectAsync(_world.MintAccessToken("sensor-1", _time.GetUtcNow(), key: otherKey));
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, result.ResultCode);
        await AssertCountedAsync("token_invalid_token");
    }

    [Fact]
    public async Task AnExpiredTokenIsBadUserNameOrPassword()
    {
        await using var device = _gateway.Device("sensor-1");
        var result = await device.ConnectAsync(_world.MintAccessToken("sensor-1", _time.GetUtcNow().AddHours(-2)));
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, result.ResultCode);
        await AssertCountedAsync("token_expired");
    }

    [Fact]
    public async Task NoPasswordIsBadUserNameOrPassword()
    {
        // A library client always sends the password it is given; the raw CONNECT omits it (flag and field).
        using var connection = await RawMqttConnection.OpenAsync(_gateway.MqttPort);
        await connection.SendAsync(RawMqttConnection.Connect("sensor-1", "sensor-1", password: null, keepAliveSeconds: 60));

        var connAck = await connection.ReadPacketAsync();

        Assert.NotNull(connAck);
        Assert.Equal((2, (byte)0x86), (connAck.Type, connAck.ReasonCode));
        await AssertCountedAsync("no_password");
    }

    [Theory]
    [InlineData("Sensor-1")]
    [InlineData("s1")]
    [InlineData("sensor/1")]
    public async Task AClientIdThatIsNotADeviceIdIsClientIdentifierNotValid(string clientId)
    {
        await using var device = _gateway.Device("sensor-1");
        var result = await device.ConnectAsync(_world.MintAccessToken("sensor-1", _time.GetUtcNow()), clientId: clientId, userName: clientId);
        Assert.Equal(MqttClientConnectResultCode.ClientIdentifierNotValid, result.ResultCode);
        await AssertCountedAsync("client_id_invalid");
    }

    [Fact]
    public async Task AnotherDevicesTokenIsClientIdentifierNotValid()
    {
        await using var device = _gateway.Device("sensor-1");
        var result = await device.ConnectAsync(_world.MintAccessToken("sensor-2", _time.GetUtcNow()));
        Assert.Equal(MqttClientConnectResultCode.ClientIdentifierNotValid, result.ResultCode);
        await AssertCountedAsync("token_sub_mismatch");
    }

    [Fact]
    public async Task AUserNameOtherThanTheClientIdIsClientIdentifierNotValid()
    {
        await using var device = _gateway.Device("sensor-1");
        var result = await device.ConnectAsync(_world.MintAccessToken("sensor-1", _time.GetUtcNow()), userName: "sensor-2");
        Assert.Equal(MqttClientConnectResultCode.ClientIdentifierNotValid, result.ResultCode);
        await AssertCountedAsync("client_id_invalid");
    }

    [Fact]
    public async Task ADisabledDeviceIsNotAuthorized()
    {
        _gateway.Directory.Disable("sensor-2");
        await using var device = _gateway.Device("sensor-2");
        var result = await device.ConnectAsync(_world.MintAccessToken("sensor-2", _time.GetUtcNow()));
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, result.ResultCode);
        await AssertCountedAsync("device_disabled");
    }

    [Fact]
    public async Task AnUnregisteredDeviceIsNotAuthorized()
    {
        await using var device = _gateway.Device("ghost-1");
        var result = await device.ConnectAsync(_world.MintAccessToken("ghost-1", _time.GetUtcNow()));
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, result.ResultCode);
        await AssertCountedAsync("device_unknown");
    }

    [Fact]
    public async Task ARegistryOutageIsServerUnavailable()
    {
        _gateway.Directory.Down = true;
        await using var device = _gateway.Device("sensor-1");
        var result = await device.ConnectAsync(_world.MintAccessToken("sensor-1", _time.GetUtcNow()));
        Assert.Equal(MqttClientConnectResultCode.ServerUnavailable, result.ResultCode);
        await AssertCountedAsync("directory_unavailable");
    }

    [Fact]
    public async Task Mqtt311IsRefusedAsUnsupportedProtocolVersion()
    {
        // MQTT 5 section 3.1.2.2: 0x84 to an MQTT 5 client; an MQTT 3.1.1 client reads it as its own
        // CONNACK return code 0x01 (MQTT 3.1.1 section 3.2.2.3), "unacceptable protocol version".
        await using var device = _gateway.Device("sensor-1");
        var result = await device.ConnectAsync(_world.MintAccessToken("sensor-1", _time.GetUtcNow()), version: MqttProtocolVersion.V311);
        Assert.Equal(MqttClientConnectResultCode.UnsupportedProtocolVersion, result.ResultCode);
        await AssertCountedAsync("unsupported_protocol_version");
    }

    /// <summary>The one CONNECT of the test was counted once, under <paramref name="result"/> and nothing else.</summary>
    private async Task AssertCountedAsync(string result) =>
        Assert.Equal(new Dictionary<string, double> { [result] = 1 }, (await _gateway.MetricsAsync()).ByLabel("m2m_mqtt_connects_total", "result"));
}
