using M2M.Gateway.Tests.Support;
using M2M.Gateway.TestHost;
using M2M.Testing;
using MQTTnet;
using static M2M.Gateway.Tests.Support.PublishAssert;

namespace M2M.Gateway.Tests;

/// <summary>
/// docs/protocol.md section 8: the high-water mark is persisted with the journal, so a gateway
/// process restarted on the same data folder still refuses a message older than the last one it
/// accepted, still takes that last one again as a redelivery, and accepts the next.
/// </summary>
public sealed class ReplayMarksSurviveARestartTests : IDisposable
{
    private readonly TestWorld _world = TestWorld.Create(("sensor-1", "acme"));
    private readonly string _folder = Directory.CreateTempSubdirectory("m2m-marks-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task AnOlderMessageIsStillRefusedAfterARestart()
    {
        var worldPath = Path.Combine(_folder, "world.json");
        var dataDirectory = Path.Combine(_folder, "data");
        _world.Save(worldPath);
        MqttApplicationMessage last;

        var port = LoopbackPort.Free();
        await using (var gateway = await GatewayProcess.StartTestHostAsync(worldPath, dataDirectory, port))
        {
            await using var device = await ConnectAsync(port);
            last = device.Telemetry(3, 5, "{}"u8.ToArray());
            Assert.Equal(MqttClientPublishReasonCode.Success, (await device.PublishAsync(last)).ReasonCode);
        }

        port = LoopbackPort.Free();
        await using (var gateway = await GatewayProcess.StartTestHostAsync(worldPath, dataDirectory, port))
        {
            await using var device = await ConnectAsync(port);

            AssertRefused(await device.PublishAsync(device.Telemetry(3, 4, "{}"u8.ToArray())), MqttClientPublishReasonCode.ImplementationSpecificError, "replayed");
            AssertRefused(await device.PublishAsync(device.Telemetry(2, 9, "{}"u8.ToArray())), MqttClientPublishReasonCode.ImplementationSpecificError, "replayed");
            last.Dup = true;
            Assert.Equal(MqttClientPublishReasonCode.Success, (await device.PublishAsync(last)).ReasonCode);
            Assert.Equal(MqttClientPublishReasonCode.Success, (await device.PublishAsync(device.Telemetry(3, 6, "{}"u8.ToArray()))).ReasonCode);

            // The sentinel (3, 6) comes after the redelivery: the sink holds each message once.
            var events = await FileSink.ReadAsync(Path.Combine(dataDirectory, "telemetry.jsonl"), 2);
            Assert.Equal(["sensor-1/1/3/5", "sensor-1/1/3/6"], events.Select(e => e.GetProperty("id").GetString()));
        }
    }

    private async Task<TestDevice> ConnectAsync(int port)
    {
        var device = new TestDevice(_world, "sensor-1", port);
        Assert.Equal(MqttClientConnectResultCode.Success, (await device.ConnectAsync(_world.MintAccessToken("sensor-1", DateTimeOffset.UtcNow))).ResultCode);
        return device;
    }
}
