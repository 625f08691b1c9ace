using System.Security.Cryptography;
using M2M.Device.Core.Crypto;
using M2M.Device.Core.Host.Platform;
using M2M.Device.Core.Platform;
using M2M.Device.Core.Time;
using M2M.Device.Core.Tokens;
using M2M.Gateway.Https;
using M2M.Gateway.Tests.Support;
using DeviceCredential = M2M.Device.Core.Storage.DeviceCredential;

namespace M2M.Gateway.Tests;

/// <summary>
/// End to end over loopback: the device core's token client (host build, host adapters) gets access
/// tokens from the real gateway token endpoint with its client assertion (docs/protocol.md section 3),
/// sets an unset clock from the gateway's Date header and retries (section 3.4), and stops on
/// invalid_client once the device is disabled (section 9.1).
/// </summary>
public sealed class DeviceCoreTokenClientGetsTokensFromTheGatewayTests : IAsyncLifetime
{
    private const string DeviceId = "sensor-0007";
    private readonly byte[] _secret = RandomNumberGenerator.GetBytes(32);
    private readonly InMemoryDeviceRegistry _registry = new();
    private TokenGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _registry.Add(DeviceId, _secret);
        _gateway = await TokenGateway.StartAsync(null, null, _registry);
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task TheTokenClientGetsATokenAndIsRefusedOnceTheDeviceIsDisabled()
    {
        using var transport = Transport(_gateway);
        var client = CreateClient(_gateway, _secret, new HostClock(), transport, out var clock);

        Assert.True(client.RefreshIfDue());
        Assert.Equal(TokenState.Valid, client.State);
        Assert.Equal(3, client.AccessToken.Split('.').Length);
        Assert.True(client.ExpiresAtUptime > clock.UptimeMilliseconds);

        await _registry.SetEnabledAsync(DeviceId, false, CancellationToken.None);
        client.Invalidate();

        Assert.False(client.RefreshIfDue());
        Assert.Equal(TokenState.Refused, client.State);
        Assert.Equal("invalid_client", client.LastError);
    }

    [Fact]
    public async Task ADeviceWithoutTimeTakesItFromTheGatewayAndThenGetsAToken()
    {
        using var transport = Transport(_gateway);
        var client = CreateClient(_gateway, _secret, new BootedIn1970Clock(), transport, out var clock);
        Assert.False(clock.IsSynchronized);

        Assert.True(client.RefreshIfDue());

        Assert.True(clock.IsSynchronized);
        Assert.InRange(clock.UnixTimeMilliseconds, DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeMilliseconds());
        Assert.Equal(TokenState.Valid, client.State);
    }

    /// <summary>HTTPS to the token endpoint, trusting only the gateway's development CA, as a provisioned board does.</summary>
    private static HostHttpTransport Transport(TokenGateway gateway) =>
        new(TimeSpan.FromSeconds(10), File.ReadAllText(Path.Combine(gateway.DataDirectory, GatewayCertificate.CaFileName)));

    private static TokenClient CreateClient(TokenGateway gateway, byte[] secret, IClock platform, HostHttpTransport transport, out DeviceClock clock)
    {
        var hmac = new HostHmacSha256();
        clock = new DeviceClock(platform);
        var credential = new DeviceCredential(DeviceId, secret, gateway.TokenEndpoint, "127.0.0.1", gateway.MqttPort);
        return new TokenClient(credential, DeviceKeys.Derive(secret, hmac), hmac, new HostRandom(), clock, transport, new HostJsonParser(), new TokenPolicy());
    }

    /// <summary>A board before SNTP: its wall clock starts at the Unix epoch.</summary>
    private sealed class BootedIn1970Clock : IClock
    {
        private readonly HostClock _uptime = new();

        public long UptimeMilliseconds => _uptime.UptimeMilliseconds;

        public long UnixTimeMilliseconds => _uptime.UptimeMilliseconds;
    }
}
