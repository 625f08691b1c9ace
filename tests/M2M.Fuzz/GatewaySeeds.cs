using System.Text;
using System.Text.Json;
using M2M.Fuzz.Gateway;
using M2M.Gateway.Journal;
using M2M.Gateway.Keys;
using M2M.Gateway.Relay;
using M2M.Gateway.Tokens;
using MQTTnet.Formatter;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace M2M.Fuzz;

/// <summary>
/// The gateway targets' generated seeds: the protocol's test vectors (docs/protocol.md section 10)
/// as MQTTnet's client encodes them, as the token endpoint receives them, and as the relay signs
/// them (with tests/fuzz/gateway-data's keys, written there on the first run).
/// </summary>
internal static class GatewaySeeds
{
    public static void Write(string root, JsonElement vectors, Action<string, string, byte[]> seed)
    {
        SaveFixture(Path.Combine(root, "gateway-data"));
        var deviceId = vectors.GetProperty("device_id").GetString()!;
        var assertion = vectors.GetProperty("assertion").GetProperty("jwt").GetString()!;
        var ring = GatewayParts.Get<SigningKeyRing>();
        var now = GatewayParts.Now.ToUnixTimeSeconds();

        // Access tokens: one the gateway issued (valid now), and claims for the target to sign (byte 0 odd).
        var claims = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["iss"] = GatewayParts.Issuer, ["aud"] = new TokenOptions().Audience, ["sub"] = deviceId, [IssueToken.GenerationClaim] = 1,
            ["iat"] = now, ["exp"] = now + 3600, ["jti"] = "seed-token-0001",
        });
        var token = ring.Sign(claims, "at+jwt");
        seed("access-token", "vector-issued-token", [0x00, .. Encoding.ASCII.GetBytes(token)]);
        seed("access-token", "vector-claims-to-sign", [0x01, .. claims]);
        seed("access-token", "vector-assertion-as-token", [0x00, .. Encoding.ASCII.GetBytes(assertion)]);

        // Token requests: byte 0 picks the Content-Type (0: the form) and, with bit 7, a chunked body.
        var form = $"grant_type=client_credentials&client_assertion_type={Uri.EscapeDataString(ValidateTokenRequest.JwtBearerAssertionType)}&client_assertion={assertion}";
        seed("token-request", "vector-assertion", [0x00, .. Encoding.ASCII.GetBytes(form)]);
        seed("token-request", "vector-assertion-chunked-client-id", [0x81, .. Encoding.ASCII.GetBytes(form + "&client_id=" + deviceId)]);
        seed("token-request", "vector-repeated", [0x00, .. Encoding.ASCII.GetBytes(form + "&client_assertion=" + assertion)]);

        // Admin bodies: byte 0 even adds a device, odd redelivers dead letters.
        seed("admin-json", "vector-add-device", [0x00, .. Encoding.UTF8.GetBytes($"{{\"id\":\"{deviceId}\",\"tenant\":\"acme\",\"roles\":[\"sensor\",\"fleet:eu\"]}}")]);
        seed("admin-json", "vector-add-device-no-roles", [0x02, .. Encoding.UTF8.GetBytes($"{{\"id\":\"{deviceId}\",\"tenant\":\"acme\"}}")]);
        seed("admin-json", "vector-redeliver", [0x01, .. Encoding.UTF8.GetBytes("{\"ids\":[1,2,3]}")]);

        // MQTT: the device's CONNECT, its signed PUBLISHes, and what other clients send.
        var messages = vectors.GetProperty("messages").EnumerateArray().ToList();
        var connect = Encode(new MqttConnectPacket { ClientId = deviceId, Username = deviceId, Password = Encoding.ASCII.GetBytes(token), KeepAlivePeriod = 60, CleanSession = true, SessionExpiryInterval = 0 });
        var publishes = messages.Select((m, i) => Encode(Publish(deviceId, m, (ushort)(i + 1)))).ToList();
        var subscribe = Encode(new MqttSubscribePacket { PacketIdentifier = 7, TopicFilters = [new MqttTopicFilter { Topic = $"devices/{deviceId}/commands/#", QualityOfServiceLevel = MqttQualityOfServiceLevel.AtLeastOnce }] });
        var auth = Encode(new MqttAuthPacket { ReasonCode = MqttAuthenticateReasonCode.ContinueAuthentication, AuthenticationMethod = "SCRAM-SHA-1", AuthenticationData = [1, 2, 3] });
        var disconnect = Encode(new MqttDisconnectPacket { ReasonCode = MqttDisconnectReasonCode.NormalDisconnection });
        byte[] ping = [0xC0, 0x00];
        byte[] session = [.. connect, .. publishes[0], .. publishes[1], .. ping, .. subscribe, .. auth, .. disconnect];
        seed("mqtt-stream", "vector-session-whole", [0x0F, .. session]);
        seed("mqtt-stream", "vector-session-fragmented", [0x00, .. session]);
        seed("mqtt-stream", "vector-session-segments-of-5", [0x04, .. session]);
        seed("mqtt-stream", "vector-connect-then-auth", [0x0F, .. connect, .. auth]);

        // Signed properties: byte 0 is the PUBLISH flags, the rest its body.
        foreach (var (publish, i) in publishes.Select((p, i) => (p, i)))
        {
            var headerLength = 1 + (publish[1] < 0x80 ? 1 : publish[2] < 0x80 ? 2 : 3);
            seed("signed-properties", $"vector-message-{i + 1}", [(byte)(publish[0] & 0x0F), .. publish[headerLength..]]);
        }

        // Relayed records: the vectors' messages journaled and relayed as one signed batch.
        var records = messages.Select((m, i) => new CommittedRecord(i + 1, new JournalRecord(
            i + 1, deviceId, "acme", 1, m.GetProperty("topic").GetString()!, m.GetProperty("epoch").GetUInt32(), m.GetProperty("seq").GetUInt32(),
            m.GetProperty("ts").GetInt64(), GatewayParts.Now.ToUnixTimeMilliseconds(), Empty(m.GetProperty("content_type").GetString()),
            Convert.FromHexString(m.GetProperty("payload_hex").GetString()!), m.GetProperty("signature").GetString()!))).ToList();
        using var builder = new RecordBatchBuilder(new KeyRingRecordSigner(ring, GatewayParts.Get<GatewayIssuer>()), GatewayParts.Get<TimeProvider>());
        foreach (var (relayed, i) in builder.Build(records).Events.Select((e, i) => (e, i)))
        {
            seed("relayed-record", $"vector-record-{i + 1}", relayed.Json.ToArray());
        }
    }

    private static MqttPublishPacket Publish(string deviceId, JsonElement message, ushort packetId) => new()
    {
        Topic = message.GetProperty("topic").GetString()!,
        PacketIdentifier = packetId,
        QualityOfServiceLevel = MqttQualityOfServiceLevel.AtLeastOnce,
        ContentType = Empty(message.GetProperty("content_type").GetString()),
        PayloadSegment = Convert.FromHexString(message.GetProperty("payload_hex").GetString()!),
        UserProperties =
        [
            Property("m2m-v", "1"), Property("m2m-epoch", message.GetProperty("epoch").GetUInt32().ToString(System.Globalization.CultureInfo.InvariantCulture)),
            Property("m2m-seq", message.GetProperty("seq").GetUInt32().ToString(System.Globalization.CultureInfo.InvariantCulture)),
            Property("m2m-ts", message.GetProperty("ts").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture)),
            Property("m2m-sig", message.GetProperty("signature").GetString()!), Property("device", deviceId),
        ],
    };

    private static MqttUserProperty Property(string name, string value) => new(name, new ArraySegment<byte>(Encoding.UTF8.GetBytes(value)));

    private static string? Empty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static byte[] Encode(MqttPacket packet) =>
        new MqttPacketFormatterAdapter(MqttProtocolVersion.V500, new MqttBufferWriter(4096, 65536)).Encode(packet).ToArray();

    /// <summary>Keeps the data folder the first composition made, so that later runs verify what was signed now.</summary>
    private static void SaveFixture(string folder)
    {
        _ = GatewayParts.Get<SigningKeyRing>().Current;
        Directory.CreateDirectory(folder);
        foreach (var name in GatewayParts.FixtureFiles)
        {
            var target = Path.Combine(folder, name);
            if (!File.Exists(target))
            {
                File.Copy(Path.Combine(GatewayParts.DataFolder, name), target);
            }
        }
    }
}
