using System.Buffers;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using M2M.Gateway.Ingress.Packets;

namespace M2M.Bench.Micro;

/// <summary>
/// The per-message cost of the gateway's MQTT codec (gateway/M2M.Gateway/Ingress/Packets) on a
/// device's telemetry PUBLISH as docs/protocol.md section 6 shapes it (QoS 1, a content type, the
/// five m2m-* user properties): framing the fixed header, decoding the body with a copy
/// (PublishPacket, what outlives the receive buffer) or without (PublishView), reading the user
/// properties, and writing the PUBACK.
/// </summary>
[MemoryDiagnoser]
public class PacketBenchmarks
{
    private const string Topic = "devices/sensor-0001/telemetry";
    private readonly ArrayBufferWriter<byte> _output = new(64);
    private ReadOnlySequence<byte> _packet;
    private byte[] _body = [];
    private byte _flags;

    [Params(64, 512)]
    public int PayloadBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var writer = new ArrayBufferWriter<byte>();
        var signature = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        PacketWriter.WritePublish(
            writer, Topic, 4242, 1, false, RandomNumberGenerator.GetBytes(PayloadBytes), "application/json",
            [("m2m-v", "1"), ("m2m-epoch", "7"), ("m2m-seq", "123456"), ("m2m-ts", "1767225600123"), ("m2m-sig", signature)]);
        var bytes = writer.WrittenSpan.ToArray();
        _packet = new ReadOnlySequence<byte>(bytes);
        PacketFramer.TryReadFixedHeader(_packet, out var header, out _);
        _body = bytes[header.HeaderLength..];
        _flags = header.Flags;
    }

    [Benchmark(Description = "PacketFramer.TryReadFixedHeader")]
    public int FrameHeader()
    {
        PacketFramer.TryReadFixedHeader(_packet, out var header, out _);
        return header.RemainingLength;
    }

    [Benchmark(Description = "PublishPacket.TryDecode (copies the body)")]
    public PublishPacket? DecodePublish()
    {
        PublishPacket.TryDecode(_body, _flags, out var packet, out _);
        return packet;
    }

    [Benchmark(Description = "PublishPacket.TryDecode + read every user property")]
    public int DecodePublishAndReadUserProperties()
    {
        PublishPacket.TryDecode(_body, _flags, out var packet, out _);
        var bytes = 0;
        for (var i = 0; i < packet!.UserPropertyCount; i++)
        {
            bytes += packet.UserPropertyName(i).Length + packet.UserPropertyValue(i).Length;
        }

        return bytes;
    }

    [Benchmark(Description = "PublishView.TryDecode + read every user property (no copy)")]
    public int ViewPublishAndReadUserProperties()
    {
        PublishView.TryDecode(_body, _flags, out var view, out _);
        var bytes = view.TopicUtf8.Length + view.Payload.Length;
        foreach (var property in view.UserProperties)
        {
            bytes += property.Name.Length + property.Value.Length;
        }

        return bytes;
    }

    [Benchmark(Description = "PacketWriter.WritePubAck (success)")]
    public int WritePubAck()
    {
        _output.ResetWrittenCount();
        PacketWriter.WritePubAck(_output, 4242, ReasonCode.Success, null, 0);
        return _output.WrittenCount;
    }
}
