using System.Text;

namespace M2M.Gateway.Ingress.Packets;

/// <summary>
/// The properties of the packets other than CONNECT and PUBLISH, read by one loop: each packet
/// passes the set it allows (<see cref="PropertySets"/>), so a field stays null when its packet
/// cannot carry it.
/// </summary>
internal readonly record struct ControlProperties
{
    public string? ReasonString { get; init; }

    public string? ServerReference { get; init; }

    public uint? SessionExpiryInterval { get; init; }

    public uint? SubscriptionIdentifier { get; init; }

    public string? AuthenticationMethod { get; init; }

    public byte[]? AuthenticationData { get; init; }

    public int UserPropertyCount { get; init; }

    /// <summary>Reads a Property Length and its properties at <paramref name="reader"/>'s position.</summary>
    public static bool TryRead(scoped ref PacketReader reader, ulong allowed, out ControlProperties properties, out PacketError error)
    {
        properties = default;
        if (!PropertyReader.TryOpen(ref reader, allowed, PropertySets.Repeatable, out var block, out error))
        {
            return false;
        }

        while (block.TryRead(out var property, out error) && property.Id != PropertyId.None)
        {
            properties = property.Id switch
            {
                PropertyId.ReasonString => properties with { ReasonString = Encoding.UTF8.GetString(property.Data) },
                PropertyId.ServerReference => properties with { ServerReference = Encoding.UTF8.GetString(property.Data) },
                PropertyId.SessionExpiryInterval => properties with { SessionExpiryInterval = property.Number },
                PropertyId.SubscriptionIdentifier => properties with { SubscriptionIdentifier = property.Number },
                PropertyId.AuthenticationMethod => properties with { AuthenticationMethod = Encoding.UTF8.GetString(property.Data) },
                PropertyId.AuthenticationData => properties with { AuthenticationData = property.Data.ToArray() },
                _ => properties with { UserPropertyCount = properties.UserPropertyCount + 1 },
            };
        }

        return error == default;
    }

    /// <summary>
    /// The tail that PUBACK (after its Packet Identifier), DISCONNECT and AUTH share: a reason code
    /// from <paramref name="table"/>, then properties, then nothing. The reason code (0x00 then) and
    /// the properties may be left out from the end (3.4.2.1, 3.4.2.2.1, 3.14.2.1, 3.14.2.2.1, 3.15.2.1).
    /// </summary>
    public static bool TryReadReasonAndProperties(
        scoped ref PacketReader reader, ReadOnlySpan<byte> table, ulong allowed, out ReasonCode code, out ControlProperties properties, out PacketError error)
    {
        code = ReasonCode.Success;
        properties = default;
        error = default;
        if (reader.End)
        {
            return true;
        }

        if (!reader.TryReadByte(out var value, out error) || !ReasonCodeTables.TryCheck(table, value, out error))
        {
            return false;
        }

        code = (ReasonCode)value;
        return reader.End || (TryRead(ref reader, allowed, out properties, out error) && reader.TryEnd(out error));
    }
}
