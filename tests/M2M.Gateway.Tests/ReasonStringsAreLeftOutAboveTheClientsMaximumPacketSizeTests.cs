using System.Buffers;
using M2M.Gateway.Ingress.Packets;
using M2M.Gateway.Tests.Support;
using MQTTnet.Packets;

namespace M2M.Gateway.Tests;

/// <summary>
/// The server must not send a Reason String that would make a packet larger than the client's
/// Maximum Packet Size (MQTT 5 MQTT-3.2.2-19, MQTT-3.4.2-2, MQTT-3.9.2-1, MQTT-3.11.2-1,
/// MQTT-3.14.2-3), and must discard a PUBLISH larger than it (MQTT-3.1.2-25). At exactly the limit
/// the Reason String stays; one byte below it goes, and the rest of the packet is still sent.
/// MQTTnet reads the results.
/// </summary>
public class ReasonStringsAreLeftOutAboveTheClientsMaximumPacketSizeTests
{
    private const string Reason = "journal_unavailable";

    private static readonly Dictionary<string, (Action<IBufferWriter<byte>, uint> Write, Func<MqttPacket, string?> ReasonString)> Packets = new()
    {
        ["CONNACK"] = ((w, max) => PacketWriter.WriteConnAck(w, false, ReasonCode.ServerUnavailable, new ConnAckProperties { ReasonString = Reason }, max), p => ((MqttConnAckPacket)p).ReasonString),
        ["PUBACK"] = ((w, max) => PacketWriter.WritePubAck(w, 1, ReasonCode.ImplementationSpecificError, Reason, max), p => ((MqttPubAckPacket)p).ReasonString),
        ["SUBACK"] = ((w, max) => PacketWriter.WriteSubAck(w, 1, [ReasonCode.NotAuthorized], Reason, max), p => ((MqttSubAckPacket)p).ReasonString),
        ["UNSUBACK"] = ((w, max) => PacketWriter.WriteUnsubAck(w, 1, [ReasonCode.NotAuthorized], Reason, max), p => ((MqttUnsubAckPacket)p).ReasonString),
        ["DISCONNECT"] = ((w, max) => PacketWriter.WriteDisconnect(w, ReasonCode.UnspecifiedError, Reason, max), p => ((MqttDisconnectPacket)p).ReasonString),
    };

    public static TheoryData<string> PacketNames => [.. Packets.Keys];

    [Theory]
    [MemberData(nameof(PacketNames))]
    public void TheReasonStringStaysAtTheLimitAndGoesBelowIt(string name)
    {
        var (write, reasonString) = Packets[name];
        var unlimited = MqttWire.Written(w => write(w, 0));

        var atLimit = MqttWire.Written(w => write(w, (uint)unlimited.Length));
        var belowLimit = MqttWire.Written(w => write(w, (uint)unlimited.Length - 1));

        Assert.Equal(Reason, reasonString(MqttWire.MqttnetDecode(unlimited)));
        Assert.Equal(unlimited, atLimit);
        Assert.Null(reasonString(MqttWire.MqttnetDecode(belowLimit)));
        Assert.Equal(unlimited.Length - (1 + 2 + Reason.Length), belowLimit.Length + (name is "PUBACK" or "DISCONNECT" ? 1 : 0));
    }

    [Fact]
    public void APublishAboveTheLimitIsNotWrittenAtAll()
    {
        var unlimited = MqttWire.Written(w => Assert.True(PacketWriter.WritePublish(w, "devices/d/commands/x", 1, 1, false, new byte[100], null, [])));

        var atLimit = MqttWire.Written(w => Assert.True(PacketWriter.WritePublish(w, "devices/d/commands/x", 1, 1, false, new byte[100], null, [], (uint)unlimited.Length)));
        var belowLimit = MqttWire.Written(w => Assert.False(PacketWriter.WritePublish(w, "devices/d/commands/x", 1, 1, false, new byte[100], null, [], (uint)unlimited.Length - 1)));

        Assert.Equal(unlimited, atLimit);
        Assert.Empty(belowLimit);
    }
}
