using System.Buffers;
using System.Globalization;
using CsCheck;
using M2M.Device.Core.App;
using M2M.Device.Core.Crypto;
using M2M.Device.Core.Storage;
using M2M.Device.Core.Tokens;
using M2M.Gateway.Ingress.Packets;
using DeviceEncoding = M2M.Device.Core.Messaging.SignedMessageEncoding;
using GatewayEncoding = M2M.Gateway.Telemetry.SignedMessageEncoding;

namespace M2M.Fuzz.Tests;

/// <summary>
/// decode(encode(x)) == x for every encoder that has a decoder on the other side, with random
/// values (CsCheck: thousands of cases each, shrunk to the smallest failing one): what the device
/// writes to flash it reads back, what the gateway writes an MQTT client reads back, and the two
/// sides of the protocol encode a signed message byte for byte alike (docs/protocol.md section 6.2).
/// </summary>
public class RoundTripsGiveBackWhatWasEncodedTests
{
    // Each property runs this many random cases (CsCheck's default is 100).
    private const int Cases = 2_000;

    private static readonly Gen<string> Label = Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789-"], 3, 32];

    // Any Unicode text, surrogate pairs and non-BMP characters included, but no lone surrogates (not UTF-8).
    private static readonly Gen<string> Text = Gen.String[Gen.Char.AlphaNumeric, 0, 40].Select(Gen.String[Gen.Char['\u0001', '\uD7FF'], 0, 8], Gen.Int[0, 3],
        (ascii, other, emoji) => ascii + other + string.Concat(Enumerable.Repeat("\U0001F600", emoji)));

    [Fact]
    public void Base64UrlDecodesWhatItEncoded() =>
        Gen.Byte.Array[0, 300].Sample(bytes => Base64Url.Decode(Base64Url.Encode(bytes))!.AsSpan().SequenceEqual(bytes), iter: Cases);

    [Fact]
    public void ACredentialRecordDecodesToTheCredentialItEncoded()
    {
        var credentials = Gen.Select(Label, Gen.Byte.Array[32], Label, Gen.Int[1, 65535], Gen.Enum<TokenAuthMethod>(), Gen.Bool, Label.Null(), Gen.UInt)
            .Select(t => (Credential: new DeviceCredential(t.Item1, t.Item2, "https://" + t.Item3 + ".example/oauth2/token", t.Item3 + ".example", t.Item4)
            {
                AuthMethod = t.Item5,
                MqttTls = t.Item6,
                ClientId = t.Item7 ?? string.Empty,
            }, Generation: t.Item8))
            .Where(c => c.Credential.Validate() == null);
        credentials.Sample(c =>
        {
            var frame = CredentialRecord.Decode(CredentialRecord.Encode(c.Credential, c.Generation), out var decoded);
            return frame.Status == RecordStatus.Valid && frame.Generation == c.Generation && decoded != null
                && decoded.DeviceId == c.Credential.DeviceId && decoded.Secret.AsSpan().SequenceEqual(c.Credential.Secret)
                && decoded.TokenEndpoint == c.Credential.TokenEndpoint && decoded.MqttHost == c.Credential.MqttHost
                && decoded.MqttPort == c.Credential.MqttPort && decoded.AuthMethod == c.Credential.AuthMethod
                && decoded.MqttTls == c.Credential.MqttTls && decoded.ClientId == c.Credential.ClientId;
        }, iter: Cases);
    }

    [Fact]
    public void ARecordFrameUnwrapsToTheBodyAndGenerationItWrapped() =>
        Gen.Select(Gen.Byte.Array[0, 2000], Gen.UInt).Sample((body, generation) =>
        {
            var frame = RecordFrame.Unwrap(RecordFrame.Wrap(BootEpoch.Magic, BootEpoch.Version, generation, body), BootEpoch.Magic, BootEpoch.Version);
            return frame.Status == RecordStatus.Valid && frame.Generation == generation && frame.Body!.AsSpan().SequenceEqual(body);
        }, iter: Cases);

    [Fact]
    public void ADeviceConfigurationParsesToTheSettingsItFormatted() =>
        Gen.Select(Gen.Int[1, 86400], Gen.Int[1, 1024], Gen.Int[1, 64], Gen.Int[5, 65535], Label, Gen.Int[0, 86400]).Sample(t =>
        {
            var config = new DeviceConfig
            {
                TelemetryIntervalSeconds = t.Item1, OutboxCapacity = t.Item2, InflightWindow = t.Item3, KeepAliveSeconds = t.Item4, SntpServer = t.Item5 + ".pool.ntp.org", SignalScanSeconds = t.Item6,
            };
            // Each setting compared on its own: comparing Format() with Format() would not see a
            // setting that Format leaves out, since both sides would miss it alike.
            var parsed = DeviceConfig.Parse(config.Format()).Config;
            return parsed != null && parsed.TelemetryIntervalSeconds == config.TelemetryIntervalSeconds && parsed.OutboxCapacity == config.OutboxCapacity
                && parsed.InflightWindow == config.InflightWindow && parsed.KeepAliveSeconds == config.KeepAliveSeconds
                && parsed.SntpServer == config.SntpServer && parsed.SignalScanSeconds == config.SignalScanSeconds;
        }, iter: Cases);

    [Fact]
    public void AnImfFixdateParsesToTheInstantItNames() =>
        Gen.Long[0, DateTimeOffset.MaxValue.ToUnixTimeSeconds()].Sample(seconds =>
            HttpDate.Parse(DateTimeOffset.FromUnixTimeSeconds(seconds).ToString("r", CultureInfo.InvariantCulture)) == seconds * 1000, iter: Cases);

    [Fact]
    public void TheDeviceAndTheGatewayEncodeASignedMessageAlike() =>
        Gen.Select(Label, Text, Gen.UInt, Gen.UInt, Gen.Long[0, long.MaxValue], Text.Null(), Gen.Byte.Array[0, 200]).Sample(t =>
            GatewayEncoding.Encode(t.Item1, t.Item2, t.Item3, t.Item4, t.Item5, t.Item6, t.Item7).AsSpan().SequenceEqual(DeviceEncoding.Encode(t.Item1, t.Item2, t.Item3, t.Item4, t.Item5, t.Item6, t.Item7)), iter: Cases);

    [Fact]
    public void AWrittenPublishDecodesToItsTopicPayloadAndProperties() =>
        // A Topic Name has no wildcard (MQTT 5 section 4.7.1): the writer refuses one, so the generator leaves them out.
        Gen.Select(Text.Where(t => t.Length > 0 && t.IndexOfAny(['+', '#']) < 0), Gen.UShort[1, ushort.MaxValue], Gen.Int[0, 1], Gen.Byte.Array[0, 300], Text.Null(), Gen.Select(Text, Text).Array[0, 6])
            .Sample(t =>
            {
                var (topic, packetId, qos, payload, contentType, properties) = t;
                var written = Written(w => PacketWriter.WritePublish(w, topic, qos == 0 ? (ushort)0 : packetId, qos, dup: false, payload, contentType, properties));
                return PacketFramer.TryReadFixedHeader(written, out var header, out _) == FrameStatus.Complete
                    && PublishPacket.TryDecode(written.AsSpan(header.HeaderLength), header.Flags, out var packet, out _)
                    && packet.Topic == topic && packet.QoS == qos && (qos == 0 || packet.PacketId == packetId)
                    && packet.Payload.Span.SequenceEqual(payload) && packet.ContentType == contentType
                    && packet.UserPropertyCount == properties.Length
                    && properties.Select((p, i) => packet.GetUserPropertyName(i) == p.Item1 && packet.GetUserPropertyValue(i) == p.Item2).All(same => same);
            }, iter: Cases);

    [Fact]
    public void AWrittenDisconnectDecodesToItsReasonCodeAndString() =>
        // 0x04 is the client's (Table 3-10); the gateway refuses to write it.
        Gen.Select(Codes(ReasonCodeTables.Disconnect).Where(c => c != ReasonCode.DisconnectWithWillMessage), Text.Null()).Sample((code, reason) =>
        {
            var written = Written(w => PacketWriter.WriteDisconnect(w, code, reason, 0));
            return PacketFramer.TryReadFixedHeader(written, out var header, out _) == FrameStatus.Complete
                && DisconnectPacket.TryDecode(written.AsSpan(header.HeaderLength), out var packet, out _)
                && packet.ReasonCode == code && (reason == null || packet.ReasonString == reason);
        }, iter: Cases);

    [Fact]
    public void AWrittenPubAckDecodesToItsPacketIdReasonCodeAndString() =>
        Gen.Select(Gen.UShort[1, ushort.MaxValue], Codes(ReasonCodeTables.PubAck), Text.Null()).Sample((packetId, code, reason) =>
        {
            var written = Written(w => PacketWriter.WritePubAck(w, packetId, code, reason, 0));
            return PacketFramer.TryReadFixedHeader(written, out var header, out _) == FrameStatus.Complete
                && PubAckPacket.TryDecode(written.AsSpan(header.HeaderLength), out var packet, out _)
                && packet.PacketId == packetId && packet.ReasonCode == code && (reason == null || packet.ReasonString == reason);
        }, iter: Cases);

    private static Gen<ReasonCode> Codes(ReadOnlySpan<byte> table) => Gen.OneOf<ReasonCode>([.. table.ToArray().Select(b => (ReasonCode)b)]);

    private static byte[] Written(Action<IBufferWriter<byte>> write)
    {
        var writer = new ArrayBufferWriter<byte>();
        write(writer);
        return writer.WrittenSpan.ToArray();
    }
}
