using System.Globalization;
using M2M.Gateway.Tests.Support;
using M2M.Gateway.TestHost;
using Microsoft.Extensions.Time.Testing;

namespace M2M.Gateway.Tests;

/// <summary>
/// The journal's disk fills up while a device publishes (docs/ingress.md, "Journal"): the message
/// that cannot be made durable gets no PUBACK; the connection ends with DISCONNECT 0x80
/// `journal_unavailable`; once there is room again the device resends, and every message it was
/// acknowledged, and every one it resent, is relayed exactly once, in order.
/// </summary>
public sealed class AFullDiskLosesNothingAcknowledgedTests : IAsyncLifetime
{
    private const int Total = 400;
    private static readonly DateTimeOffset Now = new(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Now);
    private readonly TestWorld _world = TestWorld.Create(("sensor-1", "acme"));
    private readonly string _sinkFolder = Directory.CreateTempSubdirectory("m2m-sink-").FullName;
    private SmallDisk? _disk;
    private InProcessGateway? _gateway;

    public async Task InitializeAsync()
    {
        if (!SmallDisk.CanMount)
        {
            return;
        }

        // Room for SQLite's write-ahead log, which grows to about 4 MB before it is checkpointed.
        _disk = SmallDisk.Mount(kilobytes: 16 * 1024);
        _gateway = await InProcessGateway.StartAsync(_world, _time,
            "--Gateway:DataDirectory", _disk.Path,
            "--Gateway:Relay:File:Path", Path.Combine(_sinkFolder, "telemetry.jsonl"));
    }

    public async Task DisposeAsync()
    {
        if (_gateway != null)
        {
            await _gateway.DisposeAsync();
        }

        _disk?.Dispose();
        Directory.Delete(_sinkFolder, recursive: true);
    }

    [RootOnLinuxFact]
    public async Task EveryAcknowledgedAndResentMessageIsRelayedOnce()
    {
        var gateway = _gateway!;
        var device = gateway.Device("sensor-1");
        var payload = new byte[1024];

        // Publish one at a time until the journal cannot store a message.
        var next = 1u;
        var failed = false;
        await using (var client = await Connect(gateway))
        {
            _disk!.Fill(bytesLeft: 256 * 1024);
            for (; next <= Total; next++)
            {
                await client.SendAsync(SignedPublish.Telemetry(device, (ushort)next, 1, next, payload, Now.ToUnixTimeMilliseconds()));
                var answer = await client.ReadPacketAsync() ?? throw new InvalidOperationException("closed without an answer");
                if (answer.Type == RawPacket.Disconnect)
                {
                    Assert.Equal((0x80, "journal_unavailable"), ((int)answer.ReasonCode, answer.ReasonString));
                    failed = true;
                    break;
                }

                Assert.Equal((RawPacket.PubAck, (int)next, 0x00), (answer.Type, answer.PacketId, (int)answer.ReasonCode));
            }
        }

        Assert.True(failed, "the disk never filled up");

        // Room again: the device resends its oldest unacknowledged message and goes on.
        _disk.Free();
        await using (var client = await Connect(gateway))
        {
            for (; next <= Total; next++)
            {
                await client.SendAsync(SignedPublish.Telemetry(device, (ushort)next, 1, next, payload, Now.ToUnixTimeMilliseconds()));
                var ack = await client.ExpectAsync(RawPacket.PubAck);
                Assert.Equal(((int)next, 0x00), (ack.PacketId, (int)ack.ReasonCode));
            }
        }

        var events = await FileSink.ReadAsync(Path.Combine(_sinkFolder, "telemetry.jsonl"), Total);
        Assert.Equal(Enumerable.Range(1, Total).Select(i => i.ToString(CultureInfo.InvariantCulture)), events.Select(e => e.GetProperty("m2mseq").GetString()));
    }

    private async Task<RawMqttConnection> Connect(InProcessGateway gateway) =>
        await SignedPublish.ConnectAsync(gateway.MqttPort, "sensor-1", _world.MintAccessToken("sensor-1", _time.GetUtcNow()));
}
