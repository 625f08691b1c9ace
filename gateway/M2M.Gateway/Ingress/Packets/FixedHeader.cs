namespace M2M.Gateway.Ingress.Packets;

/// <summary>
/// A framed fixed header (MQTT 5 section 2.1.1): the packet type, its four flag bits, the
/// Remaining Length (the body's size, section 2.1.4) and how many bytes the header itself took
/// (1 + the Remaining Length's encoding, so 2 to 5).
/// </summary>
public readonly record struct FixedHeader(PacketType Type, byte Flags, int RemainingLength, int HeaderLength)
{
    /// <summary>The whole packet's size: header plus body ("packet size", section 2.1.4), as Maximum Packet Size counts it.</summary>
    public int PacketSize => HeaderLength + RemainingLength;
}
