using System.Diagnostics.CodeAnalysis;

namespace M2M.Gateway.Ingress.Packets;

/// <summary>
/// An AUTH (MQTT 5 section 3.15), decoded so the caller can refuse it with the right code (the
/// gateway offers no extended authentication, section 4.12): a reason code from Table 3-11, then
/// properties, which must include the Authentication Method (3.15.2.2.2). A Remaining Length of 0
/// is reason code 0x00 without properties (3.15.2.1).
/// </summary>
public sealed class AuthPacket
{
    public ReasonCode ReasonCode { get; init; }

    public string? AuthenticationMethod { get; init; }

    public byte[]? AuthenticationData { get; init; }

    public string? ReasonString { get; init; }

    public int UserPropertyCount { get; init; }

    /// <summary>Validates <paramref name="body"/> as an AUTH (section 3.15).</summary>
    public static bool TryDecode(ReadOnlySpan<byte> body, [NotNullWhen(true)] out AuthPacket? packet, out PacketError error)
    {
        packet = null;
        var reader = new PacketReader(body);
        if (!ControlProperties.TryReadReasonAndProperties(ref reader, ReasonCodeTables.Auth, PropertySets.Auth, out var code, out var properties, out error))
        {
            return false;
        }

        // "It is a Protocol Error to omit the Authentication Method" (3.15.2.2.2): only the empty AUTH has none.
        if (!body.IsEmpty && properties.AuthenticationMethod is null)
        {
            error = PacketErrors.AuthMethodMissing;
            return false;
        }

        packet = new AuthPacket
        {
            ReasonCode = code,
            AuthenticationMethod = properties.AuthenticationMethod,
            AuthenticationData = properties.AuthenticationData,
            ReasonString = properties.ReasonString,
            UserPropertyCount = properties.UserPropertyCount,
        };
        return true;
    }
}
