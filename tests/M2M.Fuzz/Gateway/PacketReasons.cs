using System.Reflection;
using M2M.Gateway.Ingress.Packets;

namespace M2M.Fuzz.Gateway;

/// <summary>The stable labels of every refusal the MQTT codec can return: the fields of <see cref="PacketErrors"/>.</summary>
internal static class PacketReasons
{
    public static readonly IReadOnlyList<string> All =
    [
        .. typeof(PacketErrors).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(PacketError))
            .Select(f => ((PacketError)f.GetValue(null)!).Reason),
    ];
}
