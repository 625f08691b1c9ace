using M2M.Gateway.Tests.Support;
using static M2M.Gateway.Tests.Support.PublishAssert;
using M2M.Gateway.TestHost;
using MQTTnet;
using MQTTnet.Packets;

namespace M2M.Gateway.Tests;

/// <summary>
/// The PUBLISH limits of docs/ingress.md ("Broker"), each at its bound and one past it, on a gateway
/// configured with small ones: a topic over <c>MaxTopicBytes</c> is PUBACK 0x90 <c>topic_invalid</c>;
/// a content type over <c>MaxContentTypeBytes</c>, more than <c>MaxUserProperties</c> user properties,
/// or a name or value over <c>MaxUserPropertyLength</c> is 0x83 <c>malformed_properties</c>. Every
/// message is correctly signed, so only the limit refuses it.
/// </summary>
public sealed class OverlongTopicsAndPropertiesAreRefusedTests : IAsyncLifetime
{
    private const int MaxTopicBytes = 40;
    private const int MaxContentTypeBytes = 16;
    private const int MaxUserProperties = 7;

    // m2m-sig's value is 43 characters, so the bound cannot be below that.
    private const int MaxUserPropertyLength = 48;

    private DeviceRig _rig = null!;

    public async Task InitializeAsync() => _rig = await DeviceRig.StartAsync(
        TestWorld.Create(("sensor-1", "acme")),
        null,
        "--Gateway:Mqtt:MaxTopicBytes", $"{MaxTopicBytes}",
        "--Gateway:Mqtt:MaxContentTypeBytes", $"{MaxContentTypeBytes}",
        "--Gateway:Mqtt:MaxUserProperties", $"{MaxUserProperties}",
        "--Gateway:Mqtt:MaxUserPropertyLength", $"{MaxUserPropertyLength}");

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task ATopicOverMaxTopicBytesIsInvalid()
    {
        // "devices/sensor-1/telemetry/" is 27 bytes; valid stream names make up the rest.
        var atBound = _rig.Device.Telemetry(1, 1, "x"u8.ToArray(), topic: "devices/sensor-1/telemetry/" + new string('s', MaxTopicBytes - 27));
        var overBound = _rig.Device.Telemetry(1, 2, "x"u8.ToArray(), topic: "devices/sensor-1/telemetry/" + new string('s', MaxTopicBytes - 26));

        Assert.Equal(MqttClientPublishReasonCode.Success, (await _rig.Device.PublishAsync(atBound)).ReasonCode);
        AssertRefused(await _rig.Device.PublishAsync(overBound), MqttClientPublishReasonCode.TopicNameInvalid, "topic_invalid");
    }

    [Fact]
    public async Task AContentTypeOverMaxContentTypeBytesIsMalformed()
    {
        // 16 and 17 UTF-8 bytes ("é" is two): the bound is in bytes, not characters.
        var atBound = _rig.Device.Telemetry(1, 1, "x"u8.ToArray(), contentType: "text/éééééx");
        var overBound = _rig.Device.Telemetry(1, 2, "x"u8.ToArray(), contentType: "text/éééééxx");

        Assert.Equal(MqttClientPublishReasonCode.Success, (await _rig.Device.PublishAsync(atBound)).ReasonCode);
        AssertRefused(await _rig.Device.PublishAsync(overBound), MqttClientPublishReasonCode.ImplementationSpecificError, "malformed_properties");
    }

    [Fact]
    public async Task MoreThanMaxUserPropertiesIsMalformed()
    {
        // Five m2m-* properties, then others up to the bound and one past it.
        var atBound = WithExtraProperties(_rig.Device.Telemetry(1, 1, "x"u8.ToArray()), MaxUserProperties - 5);
        var overBound = WithExtraProperties(_rig.Device.Telemetry(1, 2, "x"u8.ToArray()), MaxUserProperties - 4);

        Assert.Equal(MqttClientPublishReasonCode.Success, (await _rig.Device.PublishAsync(atBound)).ReasonCode);
        AssertRefused(await _rig.Device.PublishAsync(overBound), MqttClientPublishReasonCode.ImplementationSpecificError, "malformed_properties");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AUserPropertyNameOrValueOverMaxUserPropertyLengthIsMalformed(bool inTheName)
    {
        MqttApplicationMessage Message(uint sequence, int length)
        {
            var message = _rig.Device.Telemetry(1, sequence, "x"u8.ToArray());
            var text = new string('p', length);
            message.UserProperties.Add(inTheName ? new MqttUserProperty(text, TestDevice.Utf8("v")) : new MqttUserProperty("note", TestDevice.Utf8(text)));
            return message;
        }

        Assert.Equal(MqttClientPublishReasonCode.Success, (await _rig.Device.PublishAsync(Message(1, MaxUserPropertyLength))).ReasonCode);
        AssertRefused(await _rig.Device.PublishAsync(Message(2, MaxUserPropertyLength + 1)), MqttClientPublishReasonCode.ImplementationSpecificError, "malformed_properties");
    }

    private static MqttApplicationMessage WithExtraProperties(MqttApplicationMessage message, int count)
    {
        for (var i = 0; i < count; i++)
        {
            message.UserProperties.Add(new MqttUserProperty($"note-{i}", TestDevice.Utf8("v")));
        }

        return message;
    }
}
