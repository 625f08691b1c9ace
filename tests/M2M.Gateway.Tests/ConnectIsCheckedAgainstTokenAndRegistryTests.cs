using M2M.Gateway.Tests.Support;
using M2M.Gateway.TestHost;
using Microsoft.Extensions.Time.Testing;
using MQTTnet;
using MQTTnet.Formatter;
using System.Security.Cryptography;

namespace M2M.Gateway.Tests;

/// <summary>CONNECT is refused with the reason codes of docs/protocol.md section 9.2, over a real socket.</summary>
public sealed class ConnectIsCheckedAgainstTokenAndRegistryTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero));
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
    }

    [Fact]
    public async Task ATokenSignedByAnotherKeyIsBadUserNameOrPassword()
    {
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await using var device = _gateway.Device("sensor-1");
        var result = await device.ConnectAsync(_world.MintAccessToken("sensor-1", _time.GetUtcNow(), key: otherKey));
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, result.ResultCode);
    }

    [Fact]
    public async Task AnExpiredTokenIsBadUserNameOrPassword()
    {
        await using var device = _gateway.Device("sensor-1");
        var result = await device.ConnectAsync(_world.MintAccessToken("sensor-1", _time.GetUtcNow().AddHours(-2)));
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, result.ResultCode);
    }

    [Fact]
    public async Task AnotherDevicesTokenIsClientIdentifierNotValid()
    {
        await using var device = _gateway.Device("sensor-1");
        var result = await device.ConnectAsync(_world.MintAccessToken("sensor-2", _time.GetUtcNow()));
        Assert.Equal(MqttClientConnectResultCode.ClientIdentifierNotValid, result.ResultCode);
    }

    [Fact]
    public async Task AUserNameOtherThanTheClientIdIsClientIdentifierNotValid()
    {
        await using var device = _gateway.Device("sensor-1");
        var result = await device.ConnectAsync(_world.MintAccessToken("sensor-1", _time.GetUtcNow()), userName: "sensor-2");
        Assert.Equal(MqttClientConnectResultCode.ClientIdentifierNotValid, result.ResultCode);
    }

    [Fact]
    public async Task ADisabledDeviceIsNotAuthorized()
    {
        _gateway.Directory.Disable("sensor-2");
        await using var device = _gateway.Device("sensor-2");
        var result = await device.ConnectAsync(_world.MintAccessToken("sensor-2", _time.GetUtcNow()));
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, result.ResultCode);
    }

    [Fact]
    public async Task AnUnregisteredDeviceIsNotAuthorized()
    {
        await using var device = _gateway.Device("ghost-1");
        var result = await device.ConnectAsync(_world.MintAccessToken("ghost-1", _time.GetUtcNow()));
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, result.ResultCode);
    }

    [Fact]
    public async Task ARegistryOutageIsServerUnavailable()
    {
        _gateway.Directory.Down = true;
        await using var device = _gateway.Device("sensor-1");
        var result = await device.ConnectAsync(_world.MintAccessToken("sensor-1", _time.GetUtcNow()));
        Assert.Equal(MqttClientConnectResultCode.ServerUnavailable, result.ResultCode);
    }

    [Fact]
    public async Task Mqtt311IsRefused()
    {
        await using var device = _gateway.Device("sensor-1");
        var result = await device.ConnectAsync(_world.MintAccessToken("sensor-1", _time.GetUtcNow()), version: MqttProtocolVersion.V311);
        Assert.NotEqual(MqttClientConnectResultCode.Success, result.ResultCode);
    }
}
