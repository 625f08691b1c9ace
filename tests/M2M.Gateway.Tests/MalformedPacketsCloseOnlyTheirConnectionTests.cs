using System.Net.Sockets;
using M2M.Gateway.Tests.Support;
using M2M.Gateway.TestHost;
using Microsoft.Extensions.Time.Testing;
using MQTTnet;

namespace M2M.Gateway.Tests;

/// <summary>
/// Bytes that are not a valid MQTT packet stream (MQTT 5 section 4.13: a malformed packet closes the
/// network connection) end only the connection that sent them: no session is created, nothing is
/// journaled, and a well-behaved device on another connection goes on publishing.
/// </summary>
public sealed class MalformedPacketsCloseOnlyTheirConnectionTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = TestClock.Fixed();
    private readonly TestWorld _world = TestWorld.Create(("sensor-1", "acme"));
    private InProcessGateway _gateway = null!;
    private TestDevice _device = null!;

    public async Task InitializeAsync()
    {
        _gateway = await InProcessGateway.StartAsync(_world, _time, "--Gateway:Mqtt:CommunicationTimeout", "00:00:02");
        _device = await _gateway.ConnectAsync("sensor-1", _time.GetUtcNow());
    }

    public async Task DisposeAsync()
    {
        await _device.DisposeAsync();
        await _gateway.DisposeAsync();
    }

    public static TheoryData<string, byte[]> Garbage => new()
    {
        // An HTTP request sent to the MQTT port: its first bytes read as a packet header promising
        // more than is sent, so the communication timeout ends it.
        { "http", "GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray() },
        // Packet type 0 is reserved (MQTT 5 section 2.1.2).
        { "reserved type", [0x00, 0x00] },
        // A PUBLISH before any CONNECT (section 3.1: CONNECT must be the first packet).
        { "publish first", [0x32, 0x07, 0x00, 0x01, (byte)'a', 0x00, 0x01, 0x00, 0x00] },
        // A remaining length longer than four bytes (section 1.5.5).
        { "bad length", [0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F] },
        // A CONNECT whose protocol name is not "MQTT" (section 3.1.2.1).
        { "bad protocol name", [0x10, 0x0D, 0x00, 0x04, (byte)'M', (byte)'Q', (byte)'X', (byte)'X', 0x05, 0x02, 0x00, 0x3C, 0x00, 0x00, 0x00] },
        // A CONNECT cut short: its length promises more than is sent, then the client hangs up.
        { "truncated connect", [0x10, 0x20, 0x00, 0x04, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 0x05] },
    };

    [Theory]
    [MemberData(nameof(Garbage))]
    public async Task GarbageClosesThatConnectionAndTheGatewayGoesOn(string name, byte[] bytes)
    {
        Assert.NotEmpty(name);
        using (var socket = new TcpClient())
        {
            await socket.ConnectAsync("127.0.0.1", _gateway.MqttPort);
            var stream = socket.GetStream();
            try
            {
                await stream.WriteAsync(bytes);
            }
            catch (IOException)
            {
                // The gateway may close the connection before all the garbage is written.
            }

            if (name == "truncated connect")
            {
                socket.Client.Shutdown(SocketShutdown.Send);
            }

            // The gateway answers nothing a client could take for a session, and closes the connection.
            var buffer = new byte[256];
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var read = await ReadUntilClosedAsync(stream, buffer, timeout.Token);
            Assert.True(read == 0 || buffer[0] >> 4 is 2 or 14, $"unexpected reply of {read} bytes, first 0x{buffer[0]:x2}");
        }

        // The device's session is registered just after its CONNACK; only it is there, never one for the garbage.
        var sessions = _gateway.Service<M2M.Gateway.Ingress.Sessions.SessionRegistry>();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (sessions.Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(1, sessions.Count);
        var result = await _device.PublishAsync(_device.Telemetry(1, 1, "{}"u8.ToArray()));
        Assert.Equal(MqttClientPublishReasonCode.Success, result.ReasonCode);
        Assert.Single(await _gateway.FileEventsAsync(1));
    }

    /// <summary>Reads until the peer closes; returns the number of bytes received before that.</summary>
    private static async Task<int> ReadUntilClosedAsync(NetworkStream stream, byte[] buffer, CancellationToken cancellationToken)
    {
        var total = 0;
        try
        {
            while (true)
            {
                var n = await stream.ReadAsync(buffer.AsMemory(Math.Min(total, buffer.Length - 1)), cancellationToken);
                if (n == 0)
                {
                    return total;
                }

                total += n;
            }
        }
        catch (IOException)
        {
            return total; // Reset by the gateway: closed too.
        }
    }
}
