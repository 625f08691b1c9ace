namespace M2M.Gateway.Ingress.Packets;

/// <summary>
/// Why the codec refused bytes: the MQTT reason code the connection answers with (CONNACK or
/// DISCONNECT, MQTT 5 section 4.13) and a stable snake_case label for logs and metrics. The labels
/// are listed once, in <see cref="PacketErrors"/>.
/// </summary>
public readonly record struct PacketError(ReasonCode Code, string Reason);
