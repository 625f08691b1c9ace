using System.Diagnostics.CodeAnalysis;

namespace M2M.Gateway.Ingress.Packets;

/// <summary>
/// A DISCONNECT from a client (MQTT 5 section 3.14): a reason code from Table 3-10 (0x00 Normal
/// disconnection when the Remaining Length is 0), then properties (Session Expiry Interval, Reason
/// String, Server Reference, User Properties). Left to the caller: a non-zero Session Expiry
/// Interval after a CONNECT that set 0 is a Protocol Error (3.14.2.2.2), as is a reason code only
/// a server sends.
/// </summary>
public sealed class DisconnectPacket
{
    public ReasonCode ReasonCode { get; init; }

    /// <summary>The Session Expiry Interval (3.14.2.2.2), or null: the CONNECT's stands.</summary>
    public uint? SessionExpiryInterval { get; init; }

    public string? ReasonString { get; init; }

    public string? ServerReference { get; init; }

    public int UserPropertyCount { get; init; }

    /// <summary>Validates <paramref name="body"/> as a DISCONNECT (section 3.14).</summary>
    public static bool TryDecode(ReadOnlySpan<byte> body, [NotNullWhen(true)] out DisconnectPacket? packet, out PacketError error)
    {
        packet = null;
        var reader = new PacketReader(body);
        if (!ControlProperties.TryReadReasonAndProperties(ref reader, ReasonCodeTables.Disconnect, PropertySets.Disconnect, out var code, out var properties, out error))
        {
            return false;
        }

        packet = new DisconnectPacket
        {
            ReasonCode = code,
            SessionExpiryInterval = properties.SessionExpiryInterval,
            ReasonString = properties.ReasonString,
            ServerReference = properties.ServerReference,
            UserPropertyCount = properties.UserPropertyCount,
        };
        return true;
    }
}
