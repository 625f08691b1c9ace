using M2M.Gateway.Tests.Support;
using M2M.Gateway.TestHost;

namespace M2M.Gateway.Tests;

/// <summary>
/// docs/protocol.md section 6.1: m2m-ts, when the device knew the time, lies within ten minutes ahead
/// and thirty days behind the gateway's clock (configurable); outside it the message is refused with
/// PUBACK 0x83 `timestamp_out_of_range`. 0 (time unknown) is always accepted.
/// </summary>
public sealed class TimestampsOutsideTheWindowAreRefusedTests : IAsyncLifetime
{
    private readonly TestWorld _world = TestWorld.Create(("sensor-1", "acme"));
    private WireRig _rig = null!;

    public async Task InitializeAsync() => _rig = await WireRig.StartAsync(_world);

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    public static TheoryData<string, long, int> Times => new()
    {
        { "unknown (0)", 0, 0x00 },
        { "now", TestClock.Start.ToUnixTimeMilliseconds(), 0x00 },
        { "nine minutes ahead", TestClock.Start.AddMinutes(9).ToUnixTimeMilliseconds(), 0x00 },
        { "eleven minutes ahead", TestClock.Start.AddMinutes(11).ToUnixTimeMilliseconds(), 0x83 },
        { "the year 2100", new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), 0x83 },
        { "29 days behind", TestClock.Start.AddDays(-29).ToUnixTimeMilliseconds(), 0x00 },
        { "31 days behind", TestClock.Start.AddDays(-31).ToUnixTimeMilliseconds(), 0x83 },
    };

    [Theory]
    [MemberData(nameof(Times))]
    public async Task TheDeviceTimeIsJudgedAgainstTheGatewayClock(string name, long timestamp, int expected)
    {
        var device = _rig.Gateway.Device("sensor-1");
        await using var client = await _rig.ConnectAsync();

        await client.SendAsync(SignedPublish.Telemetry(device, 1, 1, 1, "{}"u8.ToArray(), timestamp));

        var ack = await client.ExpectAsync(RawPacket.PubAck);
        Assert.Equal((expected, expected == 0 ? null : "timestamp_out_of_range"), (ack.ReasonCode, ack.ReasonString));
        Assert.True(ack.ReasonCode == expected, name);
    }
}
