using M2M.Gateway.TestHost;

namespace M2M.Gateway.Tests.Support;

/// <summary>
/// The set-up of the wire-level ingress tests: an in-process gateway (on the fixed test clock unless
/// another is given), raw MQTT connections of its world's devices, and signed telemetry carrying the
/// clock's time. Written once for the tests that speak MQTT byte by byte.
/// </summary>
public sealed class WireRig : IAsyncDisposable
{
    private WireRig(InProcessGateway gateway, TimeProvider time)
    {
        Gateway = gateway;
        Time = time;
    }

    public InProcessGateway Gateway { get; }

    public TestWorld World => Gateway.World;

    /// <summary>The gateway's clock.</summary>
    public TimeProvider Time { get; }

    /// <summary>The clock's time in Unix milliseconds: an m2m-ts the gateway accepts.</summary>
    public long Now => Time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Starts a gateway of <paramref name="world"/> on the fixed test clock.</summary>
    public static Task<WireRig> StartAsync(TestWorld world, params string[] arguments) => StartAsync(world, TestClock.Fixed(), arguments);

    /// <summary>Starts a gateway of <paramref name="world"/> on <paramref name="time"/> (null: the system clock).</summary>
    public static async Task<WireRig> StartAsync(TestWorld world, TimeProvider? time, params string[] arguments) =>
        new(await InProcessGateway.StartAsync(world, time, arguments), time ?? TimeProvider.System);

    /// <summary>A raw connection of <paramref name="deviceId"/> with a fresh token, its CONNACK 0x00 read.</summary>
    public Task<RawMqttConnection> ConnectAsync(string deviceId = "sensor-1") =>
        SignedPublish.ConnectAsync(Gateway.MqttPort, deviceId, World.MintAccessToken(deviceId, Time.GetUtcNow()));

    /// <summary>The value of one series of the gateway's /metrics (0 when absent).</summary>
    public async Task<double> MetricAsync(string series) => (await MetricsScrape.ReadAsync(Gateway.BaseAddress)).Value(series);

    public ValueTask DisposeAsync() => Gateway.DisposeAsync();
}
