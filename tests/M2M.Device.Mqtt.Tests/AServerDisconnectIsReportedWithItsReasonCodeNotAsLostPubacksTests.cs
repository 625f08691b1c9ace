using System.Net;
using System.Net.Sockets;
using M2M.Device.Core.Host.Platform;
using M2M.Device.Core.Platform;
using M2M.Testing;
using Xunit;

namespace M2M.Device.Mqtt.Tests;

/// <summary>
/// A server DISCONNECT while a PUBLISH awaits its PUBACK reaches the session manager as that DISCONNECT
/// and its reason code (docs/protocol.md section 9.4), not first as a PUBACK the transport gave up on:
/// that would make the session take 0x95 or 0x98 for a transient failure (resend the oversized message
/// forever, reconnect at once with a revoked token). The server is a raw socket speaking just enough
/// MQTT 5 to leave the PUBLISH unanswered and then disconnect.
/// </summary>
public sealed class AServerDisconnectIsReportedWithItsReasonCodeNotAsLostPubacksTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData(0x80)]
    [InlineData(0x95)]
    [InlineData(0x98)]
    public async Task ADisconnectWhileAPublishAwaitsItsPubackIsReportedOnlyAsTheDisconnect(int code)
    {
        var port = LoopbackPort.Free();
        var server = new TcpListener(IPAddress.Loopback, port);
        server.Start();
        try
        {
            var broker = DisconnectAfterThePublishAsync(server, (byte)code);
            var listener = new RecordingListener();
            using var transport = new MqttNetTransport("127.0.0.1", port, null, Wait);
            transport.SetListener(listener);

            Assert.Equal(MqttCodes.Success, transport.Connect("sensor-0001", "sensor-0001", "token", 30));
            Assert.NotEqual(0, transport.Publish("devices/sensor-0001/telemetry", [1, 2, 3], null, ["m2m-v"], ["1"]));

            Assert.True(listener.Closes.TryTake(out var reason, Wait));
            Assert.Equal(code, reason);
            Assert.Empty(listener.Acknowledgements);
            await broker.WaitAsync(Wait);
        }
        finally
        {
            server.Stop();
        }
    }

    // CONNECT → CONNACK 0x00; PUBLISH → no PUBACK but DISCONNECT with the code; then wait for the client to close.
    private static async Task DisconnectAfterThePublishAsync(TcpListener server, byte code)
    {
        using var client = await server.AcceptTcpClientAsync();
        var stream = client.GetStream();
        Assert.Equal(0x10, await ReadPacketAsync(stream) & 0xF0);
        await stream.WriteAsync(new byte[] { 0x20, 0x03, 0x00, 0x00, 0x00 });
        Assert.Equal(0x30, await ReadPacketAsync(stream) & 0xF0);
        await stream.WriteAsync(new byte[] { 0xE0, 0x02, code, 0x00 });
        var rest = new byte[256];
        while (await stream.ReadAsync(rest) > 0)
        {
        }
    }

    // Reads one MQTT packet (MQTT 5 section 2.1: fixed header, variable byte integer length) and returns its first byte.
    private static async Task<int> ReadPacketAsync(NetworkStream stream)
    {
        var header = await ReadByteAsync(stream);
        var length = 0;
        for (var shift = 0; ; shift += 7)
        {
            var next = await ReadByteAsync(stream);
            length |= (next & 0x7F) << shift;
            if ((next & 0x80) == 0)
            {
                break;
            }
        }

        await stream.ReadExactlyAsync(new byte[length]);
        return header;
    }

    private static async Task<int> ReadByteAsync(NetworkStream stream)
    {
        var one = new byte[1];
        await stream.ReadExactlyAsync(one);
        return one[0];
    }
}
