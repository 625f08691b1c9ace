using System.Collections.Concurrent;
using M2M.Device.Core.Platform;

namespace M2M.Device.Mqtt.Tests;

/// <summary>Records what a transport reports, for the test thread to wait on.</summary>
public sealed class RecordingListener : IMqttTransportListener
{
    public BlockingCollection<(ushort PacketId, int ReasonCode)> Acknowledgements { get; } = [];

    public BlockingCollection<int> Closes { get; } = [];

    public BlockingCollection<(string Topic, byte[] Payload)> Messages { get; } = [];

    public void OnPublishAcknowledged(ushort packetId, int reasonCode) => Acknowledgements.Add((packetId, reasonCode));

    public void OnConnectionClosed(int reasonCode) => Closes.Add(reasonCode);

    public void OnMessageReceived(string topic, byte[] payload) => Messages.Add((topic, payload));
}
