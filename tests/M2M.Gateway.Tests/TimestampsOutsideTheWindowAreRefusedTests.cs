using M2M.Gateway.Tests.Support;
using M2M.Gateway.TestHost;
using Microsoft.Extensions.Time.Testing;

namespace M2M.Gateway.Tests;

/// <summary>
/// docs/protocol.md section 6.1: m2m-ts, when the device knew the time, lies within ten minutes ahead
/// and thirty days behind the gateway's clock (configurable); outside it the message is refused with
/// PUBACK 0x83 `timestamp_out_of_range`. 0 (time unknown) is always accepted.
/// </summary>
public sealed class TimestampsOutsideTheWindowAreRefusedTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Now);
    private readonly TestWorld _world = TestWorld.Create(("sensor-1", "acme"));
    private InProcessGateway _gateway = null!;

    public async Task InitializeAsync() => _gateway = await InProcessGateway.StartAsync(_world, _time);

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    public static TheoryData<string, long, int> Times => new()
    {
        { "unknown (0)", 0, 0x00 },
        { "now", Now.ToUnixTimeMilliseconds(), 0x00 },
        { "nine minutes ahead", Now.AddMinutes(9).ToUnixTimeMilliseconds(), 0x00 },
        { "eleven minutes ahead", Now.AddMinutes(11).ToUnixTimeMilliseconds(), 0x83 },
        { "the year 2100", new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), 0x83 },
        { "29 days behind", Now.AddDays(-29).ToUnixTimeMilliseconds(), 0x00 },
        { "31 days behind", Now.AddDays(-31).ToUnixTimeMilliseconds(), 0x83 },
    };

    [Theory]
    [MemberData(nameof(Times))]
    public async Task TheDeviceTimeIsJudgedAgainstTheGatewayClock(string name, long timestamp, int expected)
    {
        var device = _gateway.Device("sensor-1");
        await using var client = await SignedPublish.ConnectAsync(_gateway.MqttPort, "sensor-1", _world.MintAccessToken("sensor-1", _time.GetUtcNow()));

        await client.SendAsync(SignedPublish.Telemetry(device, 1, 1, 1, "{}"u8.ToArray(), timestamp));

        var ack = await client.ExpectAsync(RawPacket.PubAck);
        Assert.Equal((expected, expected == 0 ? null : "timestamp_out_of_range"), (ack.ReasonCode, ack.ReasonString));
        Assert.True(ack.ReasonCode == expected, name);
    }
}
