namespace M2M.Gateway.Ingress.Packets;

/// <summary>
/// The MQTT control packet types: bits 7-4 of the first byte of the fixed header (MQTT 5 section
/// 2.1.2, Table 2-1). The value 0 is reserved and forbidden; <see cref="PacketFramer"/> refuses it.
/// </summary>
public enum PacketType : byte
{
    Connect = 1,
    ConnAck,
    Publish,
    PubAck,
    PubRec,
    PubRel,
    PubComp,
    Subscribe,
    SubAck,
    Unsubscribe,
    UnsubAck,
    PingReq,
    PingResp,
    Disconnect,
    Auth,
}
