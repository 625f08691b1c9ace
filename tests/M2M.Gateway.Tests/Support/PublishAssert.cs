using MQTTnet;

namespace M2M.Gateway.Tests.Support;

/// <summary>Assertions on a PUBACK (docs/protocol.md section 9.3); use with <c>using static</c>.</summary>
public static class PublishAssert
{
    /// <summary>The PUBACK refused the message with <paramref name="code"/> and the Reason String <paramref name="reason"/>.</summary>
    public static void AssertRefused(MqttClientPublishResult result, MqttClientPublishReasonCode code, string reason)
    {
        Assert.Equal(code, result.ReasonCode);
        Assert.Equal(reason, result.ReasonString);
    }
}
