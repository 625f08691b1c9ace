using System.Globalization;
using System.Text;

namespace M2M.Gateway.Tests.Support;

/// <summary>Signed telemetry PUBLISH packets for <see cref="RawMqttConnection"/>, built from a <see cref="TestDevice"/>'s key.</summary>
public static class SignedPublish
{
    /// <summary>A telemetry PUBLISH signed as docs/protocol.md section 6 says; <paramref name="signature"/> replaces m2m-sig when given.</summary>
    public static byte[] Telemetry(TestDevice device, ushort packetId, uint epoch, uint sequence, byte[] payload, long timestamp, string? signature = null, string contentType = "application/json")
    {
        var topic = $"devices/{device.Id}/telemetry";
        return RawMqttConnection.Publish(topic, packetId, payload, Properties(epoch, sequence, timestamp, signature ?? device.Sign(epoch, sequence, payload, contentType, topic, timestamp)), contentType);
    }

    /// <summary>The five m2m user properties with these values, as UTF-8.</summary>
    public static IEnumerable<(byte[] Name, byte[] Value)> Properties(uint epoch, uint sequence, long timestamp, string signature) =>
    [
        (Utf8("m2m-v"), Utf8("1")),
        (Utf8("m2m-epoch"), Utf8(epoch.ToString(CultureInfo.InvariantCulture))),
        (Utf8("m2m-seq"), Utf8(sequence.ToString(CultureInfo.InvariantCulture))),
        (Utf8("m2m-ts"), Utf8(timestamp.ToString(CultureInfo.InvariantCulture))),
        (Utf8("m2m-sig"), Utf8(signature)),
    ];

    /// <summary>A raw client connected as <paramref name="deviceId"/> with <paramref name="token"/>, its CONNACK 0x00 read.</summary>
    public static async Task<RawMqttConnection> ConnectAsync(int port, string deviceId, string token, ushort keepAlive = 60, bool tls = false)
    {
        var client = await RawMqttConnection.OpenAsync(port, tls);
        await client.SendAsync(RawMqttConnection.Connect(deviceId, deviceId, Encoding.ASCII.GetBytes(token), keepAlive));
        var connAck = await client.ExpectAsync(RawPacket.ConnAck);
        Xunit.Assert.Equal(0x00, connAck.ReasonCode);
        return client;
    }

    private static byte[] Utf8(string value) => Encoding.UTF8.GetBytes(value);
}
