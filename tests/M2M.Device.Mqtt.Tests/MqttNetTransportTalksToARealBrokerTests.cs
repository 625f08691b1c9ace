using System.Buffers;
using System.Text;
using M2M.Device.Core.Host.Platform;
using M2M.Device.Core.Platform;
using M2M.Testing;
using MQTTnet;
using Xunit;

namespace M2M.Device.Mqtt.Tests;

/// <summary>
/// The host MQTT transport (MQTTnet) against Mosquitto on loopback: MQTT 5 CONNECT, QoS 1 PUBLISH with
/// content type and user properties answered by a PUBACK, and the end of the connection reported.
/// </summary>
public sealed class MqttNetTransportTalksToARealBrokerTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task PublishesQos1WithPropertiesAndReportsThePuback()
    {
        using var broker = await MosquittoBroker.StartAsync();
        using var subscriber = new MqttClientFactory().CreateMqttClient();
        var received = new TaskCompletionSource<MqttApplicationMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        subscriber.ApplicationMessageReceivedAsync += e =>
        {
            received.TrySetResult(e.ApplicationMessage);
            return Task.CompletedTask;
        };
        await subscriber.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port).WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build());
        await subscriber.SubscribeAsync("devices/#");
        var listener = new RecordingListener();
        using var transport = new MqttNetTransport("127.0.0.1", broker.Port, null, Wait);
        transport.SetListener(listener);

        Assert.Equal(MqttCodes.Success, transport.Connect("sensor-0001", "sensor-0001", "token", 30));
        var packetId = transport.Publish("devices/sensor-0001/telemetry", [1, 2, 3], "application/octet-stream", ["m2m-v", "m2m-seq"], ["1", "42"]);

        Assert.NotEqual(0, packetId);
        Assert.True(listener.Acknowledgements.TryTake(out var ack, Wait));
        Assert.Equal(packetId, ack.PacketId);
        Assert.Equal(MqttCodes.Success, ack.ReasonCode);
        var message = await received.Task.WaitAsync(Wait);
        Assert.Equal("devices/sensor-0001/telemetry", message.Topic);
        Assert.Equal(new byte[] { 1, 2, 3 }, message.Payload.ToArray());
        Assert.Equal("application/octet-stream", message.ContentType);
        Assert.Equal(["m2m-v=1", "m2m-seq=42"], message.UserProperties.Select(p => p.Name + "=" + Encoding.UTF8.GetString(p.ValueBuffer.Span)));
    }

    [Fact]
    public async Task ReportsTheConnectionClosedWhenTheBrokerGoesAway()
    {
        var broker = await MosquittoBroker.StartAsync();
        var listener = new RecordingListener();
        using var transport = new MqttNetTransport("127.0.0.1", broker.Port, null, Wait);
        transport.SetListener(listener);
        Assert.Equal(MqttCodes.Success, transport.Connect("sensor-0001", "sensor-0001", "token", 30));

        broker.Dispose();

        Assert.True(listener.Closes.TryTake(out var reason, Wait));
        Assert.Equal(MqttCodes.NetworkError, reason);
        Assert.Equal(0, transport.Publish("devices/sensor-0001/telemetry", [1], null, null, null));
    }

    [Fact]
    public void ConnectingToNothingIsANetworkError()
    {
        using var transport = new MqttNetTransport("127.0.0.1", LoopbackPort.Free(), null, TimeSpan.FromSeconds(5));
        transport.SetListener(new RecordingListener());

        Assert.Equal(MqttCodes.NetworkError, transport.Connect("sensor-0001", "sensor-0001", "token", 30));
    }

    [Fact]
    public async Task OwnDisconnectIsNotReportedAsALostConnection()
    {
        using var broker = await MosquittoBroker.StartAsync();
        var listener = new RecordingListener();
        using var transport = new MqttNetTransport("127.0.0.1", broker.Port, null, Wait);
        transport.SetListener(listener);
        Assert.Equal(MqttCodes.Success, transport.Connect("sensor-0001", "sensor-0001", "token", 30));

        transport.Disconnect();
        Assert.Equal(MqttCodes.Success, transport.Connect("sensor-0001", "sensor-0001", "token", 30));

        Assert.False(listener.Closes.TryTake(out _, TimeSpan.FromMilliseconds(500)));
    }
}
