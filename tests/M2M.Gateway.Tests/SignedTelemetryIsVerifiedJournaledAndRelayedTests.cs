using M2M.Gateway.Tests.Support;
using static M2M.Gateway.Tests.Support.PublishAssert;
using M2M.Gateway.TestHost;
using MQTTnet;
using MQTTnet.Packets;

namespace M2M.Gateway.Tests;

/// <summary>
/// Every PUBLISH is verified (docs/protocol.md sections 6 and 8) and answered with the PUBACK of
/// section 9.3; accepted messages reach the JSON-lines sink once, with verifiable provenance.
/// </summary>
public sealed class SignedTelemetryIsVerifiedJournaledAndRelayedTests : IAsyncLifetime
{
    private DeviceRig _rig = null!;

    public async Task InitializeAsync() =>
        _rig = await DeviceRig.StartAsync(TestWorld.Create(("sensor-1", "acme"), ("sensor-2", "globex")), null, "--Gateway:Mqtt:MaxPayloadBytes", "1024");

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task ASignedMessageIsAcknowledgedAndRelayedOnceWithVerifiableProvenance()
    {
        var payload = """{"temp":21.5}"""u8.ToArray();

        // Collected five seconds before it is sent: the record keeps both times apart.
        var deviceTime = _rig.Time.GetUtcNow().ToUnixTimeMilliseconds() - 5000;
        var result = await _rig.Device.PublishAsync(_rig.Device.Telemetry(7, 42, payload, timestamp: deviceTime));

        Assert.Equal(MqttClientPublishReasonCode.Success, result.ReasonCode);
        // The sentinel: a second relay of the first message would come before this one's.
        Assert.Equal(MqttClientPublishReasonCode.Success, (await _rig.Device.PublishAsync(_rig.Device.Telemetry(7, 43, "{}"u8.ToArray()))).ReasonCode);
        var events = await _rig.Gateway.FileEventsAsync(2);
        Assert.Equal(["sensor-1/1/7/42", "sensor-1/1/7/43"], events.Select(e => e.GetProperty("id").GetString()));
        var record = events[0];
        Assert.Equal("sensor-1/1/7/42", record.GetProperty("id").GetString());
        Assert.Equal("sensor-1", record.GetProperty("m2mdevice").GetString());
        Assert.Equal("acme", record.GetProperty("m2mtenant").GetString());
        Assert.Equal("7", record.GetProperty("m2mepoch").GetString());
        Assert.Equal("42", record.GetProperty("m2mseq").GetString());
        Assert.Equal(deviceTime.ToString(System.Globalization.CultureInfo.InvariantCulture), record.GetProperty("m2mdevicetime").GetString());
        Assert.Equal(_rig.Time.GetUtcNow().ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture), record.GetProperty("m2mgatewaytime").GetString());
        Assert.Equal("application/json", record.GetProperty("datacontenttype").GetString());
        Assert.Equal(payload, Convert.FromBase64String(record.GetProperty("data_base64").GetString()!));
        using var gatewayKey = _rig.World.RecordKey();
        Assert.True(RecordVerifier.Verify(record, gatewayKey));
    }

    [Fact]
    public async Task AnAlteredRecordFailsTheConsumersCheck()
    {
        await _rig.Device.PublishAsync(_rig.Device.Telemetry(1, 1, "a"u8.ToArray()));
        var record = Assert.Single(await _rig.Gateway.FileEventsAsync(1));
        var altered = System.Text.Json.JsonDocument.Parse(record.GetRawText().Replace("\"m2mseq\":\"1\"", "\"m2mseq\":\"2\"", StringComparison.Ordinal)).RootElement;

        using var gatewayKey = _rig.World.RecordKey();
        Assert.False(RecordVerifier.Verify(altered, gatewayKey));
    }

    [Fact]
    public async Task AForgedSignatureIsRefusedAsBadSignature()
    {
        var forgedKey = new byte[32];
        var result = await _rig.Device.PublishAsync(_rig.Device.Telemetry(1, 1, "x"u8.ToArray(), key: forgedKey));

        AssertRefused(result, MqttClientPublishReasonCode.NotAuthorized, "bad_signature");
    }

    [Fact]
    public async Task AnAlteredPayloadIsRefusedAsBadSignature()
    {
        var message = _rig.Device.Telemetry(1, 1, "21.5"u8.ToArray());
        message.Payload = new System.Buffers.ReadOnlySequence<byte>("99.9"u8.ToArray());

        AssertRefused(await _rig.Device.PublishAsync(message), MqttClientPublishReasonCode.NotAuthorized, "bad_signature");
    }

    [Fact]
    public async Task AnotherTopicThanTheSignedOneIsRefusedAsBadSignature()
    {
        // Section 6.2 field 3: the topic is signed.
        var message = _rig.Device.Telemetry(1, 1, "x"u8.ToArray(), topic: "devices/sensor-1/telemetry/a");
        message.Topic = "devices/sensor-1/telemetry/b";

        AssertRefused(await _rig.Device.PublishAsync(message), MqttClientPublishReasonCode.NotAuthorized, "bad_signature");
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData(null)]
    public async Task AnotherContentTypeThanTheSignedOneIsRefusedAsBadSignature(string? sentContentType)
    {
        // Section 6.2 field 7: the content type is signed, and its absence is signed as empty.
        var message = _rig.Device.Telemetry(1, 1, "x"u8.ToArray(), contentType: "application/json");
        message.ContentType = sentContentType;

        AssertRefused(await _rig.Device.PublishAsync(message), MqttClientPublishReasonCode.NotAuthorized, "bad_signature");
    }

    [Fact]
    public async Task AReplayedMessageIsRefusedAndAReorderedOneToo()
    {
        Assert.Equal(MqttClientPublishReasonCode.Success, (await _rig.Device.PublishAsync(_rig.Device.Telemetry(2, 5, "a"u8.ToArray()))).ReasonCode);

        // Same numbers, other content: section 8 rule 3.
        AssertRefused(await _rig.Device.PublishAsync(_rig.Device.Telemetry(2, 5, "b"u8.ToArray())), MqttClientPublishReasonCode.ImplementationSpecificError, "replayed");
        // Older sequence in the same epoch, and an older epoch.
        AssertRefused(await _rig.Device.PublishAsync(_rig.Device.Telemetry(2, 4, "c"u8.ToArray())), MqttClientPublishReasonCode.ImplementationSpecificError, "replayed");
        AssertRefused(await _rig.Device.PublishAsync(_rig.Device.Telemetry(1, 99, "d"u8.ToArray())), MqttClientPublishReasonCode.ImplementationSpecificError, "replayed");
        // A new epoch starts over at sequence 1.
        Assert.Equal(MqttClientPublishReasonCode.Success, (await _rig.Device.PublishAsync(_rig.Device.Telemetry(3, 1, "e"u8.ToArray()))).ReasonCode);

        var events = await _rig.Gateway.FileEventsAsync(2);
        Assert.Equal(["sensor-1/1/2/5", "sensor-1/1/3/1"], events.Select(e => e.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task ARedeliveryIsAcknowledgedButRelayedOnce()
    {
        var message = _rig.Device.Telemetry(4, 1, "once"u8.ToArray());
        Assert.Equal(MqttClientPublishReasonCode.Success, (await _rig.Device.PublishAsync(message)).ReasonCode);

        // A lost PUBACK: the device sends the same signed message again (section 8 rule 2).
        message.Dup = true;
        Assert.Equal(MqttClientPublishReasonCode.Success, (await _rig.Device.PublishAsync(message)).ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.Success, (await _rig.Device.PublishAsync(_rig.Device.Telemetry(4, 2, "next"u8.ToArray()))).ReasonCode);

        var events = await _rig.Gateway.FileEventsAsync(2);
        Assert.Equal(["sensor-1/1/4/1", "sensor-1/1/4/2"], events.Select(e => e.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task AnotherDevicesTopicIsNotAllowedEvenWhenCorrectlySigned()
    {
        var result = await _rig.Device.PublishAsync(_rig.Device.Telemetry(1, 1, "x"u8.ToArray(), topic: "devices/sensor-2/telemetry"));

        AssertRefused(result, MqttClientPublishReasonCode.NotAuthorized, "topic_not_allowed");
    }

    [Fact]
    public async Task ATopicOutsideTheDevicesTreeIsNotAllowed()
    {
        var result = await _rig.Device.PublishAsync(_rig.Device.Telemetry(1, 1, "x"u8.ToArray(), topic: "devices/sensor-1/commands/reboot"));

        AssertRefused(result, MqttClientPublishReasonCode.NotAuthorized, "topic_not_allowed");
    }

    [Fact]
    public async Task ABadStreamNameIsAnInvalidTopic()
    {
        var result = await _rig.Device.PublishAsync(_rig.Device.Telemetry(1, 1, "x"u8.ToArray(), topic: "devices/sensor-1/telemetry/Not Valid"));

        AssertRefused(result, MqttClientPublishReasonCode.TopicNameInvalid, "topic_invalid");
    }

    [Fact]
    public async Task ANamedStreamIsAccepted()
    {
        var result = await _rig.Device.PublishAsync(_rig.Device.Telemetry(1, 1, [0x00, 0xff], contentType: null, topic: "devices/sensor-1/telemetry/vibration", timestamp: 0));

        Assert.Equal(MqttClientPublishReasonCode.Success, result.ReasonCode);
    }

    [Theory]
    [InlineData("m2m-seq", "007")]
    [InlineData("m2m-seq", "+7")]
    [InlineData("m2m-seq", "4294967296")]
    [InlineData("m2m-epoch", "")]
    [InlineData("m2m-ts", "-1")]
    [InlineData("m2m-sig", "AAAA")]
    public async Task ANonCanonicalPropertyIsMalformed(string name, string value)
    {
        var message = _rig.Device.Telemetry(1, 7, "x"u8.ToArray());
        message.UserProperties = message.UserProperties.Select(p => p.Name == name ? new MqttUserProperty(name, TestDevice.Utf8(value)) : p).ToList();

        AssertRefused(await _rig.Device.PublishAsync(message), MqttClientPublishReasonCode.ImplementationSpecificError, "malformed_properties");
    }

    [Fact]
    public async Task AMissingOrRepeatedPropertyIsMalformed()
    {
        var missing = _rig.Device.Telemetry(1, 1, "x"u8.ToArray());
        missing.UserProperties.RemoveAll(p => p.Name == "m2m-ts");
        var repeated = _rig.Device.Telemetry(1, 1, "x"u8.ToArray());
        repeated.UserProperties.Add(new MqttUserProperty("m2m-seq", TestDevice.Utf8("2")));

        AssertRefused(await _rig.Device.PublishAsync(missing), MqttClientPublishReasonCode.ImplementationSpecificError, "malformed_properties");
        AssertRefused(await _rig.Device.PublishAsync(repeated), MqttClientPublishReasonCode.ImplementationSpecificError, "malformed_properties");
    }

    [Fact]
    public async Task AnotherProtocolVersionIsUnsupported()
    {
        var message = _rig.Device.Telemetry(1, 1, "x"u8.ToArray());
        message.UserProperties = message.UserProperties.Select(p => p.Name == "m2m-v" ? new MqttUserProperty("m2m-v", TestDevice.Utf8("2")) : p).ToList();

        AssertRefused(await _rig.Device.PublishAsync(message), MqttClientPublishReasonCode.ImplementationSpecificError, "unsupported_version");
    }

    [Fact]
    public async Task AnOversizePayloadDisconnectsWithPacketTooLarge()
    {
        var message = _rig.Device.Telemetry(1, 1, new byte[2048]);

        _ = _rig.Device.Client.PublishAsync(message);

        var disconnected = await _rig.Device.Disconnected.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(MqttClientDisconnectReason.PacketTooLarge, disconnected.Reason);
    }

    [Fact]
    public async Task SubscribingToAnotherDevicesCommandsIsRefused()
    {
        var result = await _rig.Device.Client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter("devices/sensor-1/commands/#")
            .WithTopicFilter("devices/sensor-2/commands/#")
            .WithTopicFilter("devices/#")
            .Build());

        Assert.Equal(
            [MqttClientSubscribeResultCode.GrantedQoS0, MqttClientSubscribeResultCode.NotAuthorized, MqttClientSubscribeResultCode.NotAuthorized],
            result.Items.Select(i => i.ResultCode));
        Assert.Equal(
            new Dictionary<string, double> { ["ok"] = 1, ["topic_not_allowed"] = 2 },
            (await _rig.Gateway.MetricsAsync()).ByLabel("m2m_mqtt_subscriptions_total", "reason"));
    }
}
