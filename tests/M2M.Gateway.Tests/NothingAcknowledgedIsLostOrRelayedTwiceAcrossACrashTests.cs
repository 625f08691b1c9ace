using System.Globalization;
using M2M.Gateway.Tests.Support;
using M2M.Gateway.TestHost;
using M2M.Testing;
using MQTTnet;

namespace M2M.Gateway.Tests;

/// <summary>
/// The gateway process is killed (SIGKILL) while a device streams QoS 1 telemetry and is started
/// again on the same data folder: every acknowledged message is relayed, none twice, in order.
/// </summary>
public sealed class NothingAcknowledgedIsLostOrRelayedTwiceAcrossACrashTests : IDisposable
{
    private const int Total = 300;
    private readonly TestWorld _world = TestWorld.Create(("sensor-1", "acme"));
    private readonly string _folder = Directory.CreateTempSubdirectory("m2m-crash-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task KillDuringAStreamThenRestart()
    {
        var worldPath = Path.Combine(_folder, "world.json");
        var dataDirectory = Path.Combine(_folder, "data");
        _world.Save(worldPath);

        // First run: stream until killed.
        var acknowledged = 0u;
        var port = LoopbackPort.Free();
        await using (var gateway = await GatewayProcess.StartTestHostAsync(worldPath, dataDirectory, port))
        {
            await using var device = new TestDevice(_world, "sensor-1", port);
            await device.ConnectAsync(_world.MintAccessToken("sensor-1", DateTimeOffset.UtcNow));
            var streaming = Task.Run(async () =>
            {
                for (var seq = 1u; seq <= Total; seq++)
                {
                    var result = await device.PublishAsync(Message(device, seq));
                    Assert.Equal(MqttClientPublishReasonCode.Success, result.ReasonCode);
                    acknowledged = seq;
                }
            });
            await Eventually.TrueAsync(() => Volatile.Read(ref acknowledged) >= 50 || streaming.IsCompleted, "50 acknowledged messages");

            await gateway.KillAsync();
            await Assert.ThrowsAnyAsync<Exception>(() => streaming);
        }

        Assert.InRange<uint>(acknowledged, 50u, Total - 1);

        // Second run on the same folder: the device resends from its oldest unacknowledged message.
        // The gateway may have journaled it just before the kill without its PUBACK reaching the
        // device; then it is the mark's own message, a redelivery (docs/protocol.md section 8 rule 2).
        port = LoopbackPort.Free();
        await using (var gateway = await GatewayProcess.StartTestHostAsync(worldPath, dataDirectory, port))
        {
            await using var device = new TestDevice(_world, "sensor-1", port);
            await device.ConnectAsync(_world.MintAccessToken("sensor-1", DateTimeOffset.UtcNow));
            for (var seq = acknowledged + 1; seq <= Total; seq++)
            {
                var result = await device.PublishAsync(Message(device, seq));
                Assert.Equal(MqttClientPublishReasonCode.Success, result.ReasonCode);
            }

            var events = await FileSink.ReadAsync(Path.Combine(dataDirectory, "telemetry.jsonl"), Total);
            Assert.Equal(
                Enumerable.Range(1, Total).Select(i => i.ToString(CultureInfo.InvariantCulture)),
                events.Select(e => e.GetProperty("m2mseq").GetString()));
        }
    }

    // Collected once: a message the device sends again after the restart is the same signed message.
    private readonly long _collected = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private MqttApplicationMessage Message(TestDevice device, uint seq) =>
        device.Telemetry(1, seq, System.Text.Encoding.UTF8.GetBytes($"{{\"n\":{seq}}}"), timestamp: _collected);
}
