using System.Buffers;
using M2M.Gateway.Ingress.Packets;
using M2M.Gateway.Tests.Support;

namespace M2M.Gateway.Tests;

/// <summary>
/// The framer reads a fixed header (MQTT 5 section 2.1) however the bytes arrive: split over
/// segments one byte each, it says Incomplete until the last header byte is there, then the same
/// header as from one span, and refuses a malformed header as soon as the byte that decides it
/// arrives, without waiting for more.
/// </summary>
public class MqttFixedHeadersAreFramedAcrossSegmentsTests
{
    // The Remaining Length boundaries of MQTT 5 Table 1-1, encoded by hand.
    public static TheoryData<string, int> RemainingLengths => new()
    {
        { "00", 0 },
        { "7F", 127 },
        { "8001", 128 },
        { "FF7F", 16_383 },
        { "808001", 16_384 },
        { "FFFF7F", 2_097_151 },
        { "80808001", 2_097_152 },
        { "FFFFFF7F", 268_435_455 },
    };

    [Theory]
    [MemberData(nameof(RemainingLengths))]
    public void AHeaderSplitByteByByteIsIncompleteUntilItsLastByte(string encoded, int remainingLength)
    {
        // A QoS 1 PUBLISH header, then a few bytes of body that must not matter.
        var bytes = MqttWire.Hex("32" + encoded + "0003612F62");
        var headerLength = 1 + (encoded.Length / 2);

        for (var available = 0; available < headerLength; available++)
        {
            Assert.Equal(FrameStatus.Incomplete, Frame(bytes, available, out _, out _));
        }

        for (var available = headerLength; available <= bytes.Length; available++)
        {
            Assert.Equal(FrameStatus.Complete, Frame(bytes, available, out var header, out _));
            Assert.Equal(new FixedHeader(PacketType.Publish, 0b0010, remainingLength, headerLength), header);
        }
    }

    [Theory]
    [InlineData("00", 1, "bad_packet_type")]
    [InlineData("80", 1, "reserved_flags")]
    [InlineData("36", 1, "bad_qos")]
    [InlineData("30 FFFFFFFF", 5, "bad_remaining_length")]
    [InlineData("30 808000", 4, "bad_remaining_length")]
    [InlineData("C0 01", 2, "bad_remaining_length")]
    public void AMalformedHeaderIsRefusedAtTheByteThatDecidesIt(string hex, int decidingBytes, string reason)
    {
        var bytes = MqttWire.Hex(hex + "00000000");

        for (var available = 0; available < decidingBytes; available++)
        {
            Assert.Equal(FrameStatus.Incomplete, Frame(bytes, available, out _, out _));
        }

        for (var available = decidingBytes; available <= bytes.Length; available++)
        {
            Assert.Equal(FrameStatus.Malformed, Frame(bytes, available, out _, out var error));
            Assert.Equal(new PacketError(ReasonCode.MalformedPacket, reason), error);
        }
    }

    /// <summary>Frames the first <paramref name="available"/> bytes as one-byte segments, and checks a single span agrees.</summary>
    private static FrameStatus Frame(byte[] bytes, int available, out FixedHeader header, out PacketError error)
    {
        var segmented = MqttWire.Segmented(bytes[..available], 1);
        Assert.True(available <= 1 || !segmented.IsSingleSegment);
        var status = PacketFramer.TryReadFixedHeader(segmented, out header, out error);

        var whole = new ReadOnlySequence<byte>(bytes, 0, available);
        Assert.Equal(status, PacketFramer.TryReadFixedHeader(whole, out var wholeHeader, out var wholeError));
        Assert.Equal((header, error), (wholeHeader, wholeError));
        return status;
    }
}
