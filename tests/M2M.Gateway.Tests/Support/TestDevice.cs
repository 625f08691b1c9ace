using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using M2M.Gateway.Telemetry;
using M2M.Gateway.TestHost;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace M2M.Gateway.Tests.Support;

/// <summary>
/// A simulated device: connects with its token and publishes telemetry signed as docs/protocol.md
/// section 6 says, under the K_msg of its entry in the stand-ins' world or, for a device of the real
/// registry, under <paramref name="messageKey"/>. Its m2m-ts comes from <paramref name="clock"/> (the
/// gateway's, so the timestamps are within the gateway's window, section 6.1), or is fixed when none.
/// </summary>
public sealed class TestDevice(TestWorld? world, string deviceId, int port, byte[]? messageKey = null, TimeProvider? clock = null) : IAsyncDisposable
{
    public string Id { get; } = deviceId;

    /// <summary>A device registered in the gateway's real registry, signing with the K_msg of its secret, on the gateway's <paramref name="clock"/>.</summary>
    public static TestDevice Registered(M2M.Gateway.Registry.DeviceCredential credential, int port, TimeProvider? clock = null) =>
        new(null, credential.Device.DeviceId, port, M2M.Gateway.Registry.DeviceKeyDerivation.DeriveMessageKey(credential.Secret.Span), clock);

    public IMqttClient Client { get; } = new MqttClientFactory().CreateMqttClient();

    /// <summary>Completes with the DISCONNECT reason when the gateway ends the session.</summary>
    public TaskCompletionSource<MqttClientDisconnectedEventArgs> Disconnected { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task<MqttClientConnectResult> ConnectAsync(string token, string? clientId = null, string? userName = null, MqttProtocolVersion version = MqttProtocolVersion.V500)
    {
        Client.DisconnectedAsync += e =>
        {
            Disconnected.TrySetResult(e);
            return Task.CompletedTask;
        };
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithProtocolVersion(version)
            .WithClientId(clientId ?? Id)
            .WithCredentials(userName ?? Id, token)
            .WithCleanStart(true)
            .WithTimeout(TimeSpan.FromSeconds(10))
            .Build();
        return await Client.ConnectAsync(options).ConfigureAwait(false);
    }

    /// <summary>The user properties and topic of a correctly signed telemetry message.</summary>
    public MqttApplicationMessage Telemetry(uint epoch, uint sequence, byte[] payload, string? contentType = "application/json", string? topic = null, long? timestamp = null, byte[]? key = null)
    {
        topic ??= $"devices/{Id}/telemetry";
        var ts = timestamp ?? Now;
        var signature = Sign(epoch, sequence, payload, contentType, topic, ts, key);
        var builder = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithUserProperty("m2m-v", Utf8("1"))
            .WithUserProperty("m2m-epoch", Utf8(epoch.ToString(CultureInfo.InvariantCulture)))
            .WithUserProperty("m2m-seq", Utf8(sequence.ToString(CultureInfo.InvariantCulture)))
            .WithUserProperty("m2m-ts", Utf8(ts.ToString(CultureInfo.InvariantCulture)))
            .WithUserProperty("m2m-sig", Utf8(signature));
        if (contentType != null)
        {
            builder = builder.WithContentType(contentType);
        }

        return builder.Build();
    }

    // Without the gateway's clock, every message carries the time the device was created, so that
    // sending one again (a resend) sends exactly the same signed message.
    private readonly long _created = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>The m2m-ts of a message collected now: the gateway's clock, or the device's creation time.</summary>
    public long Now => clock?.GetUtcNow().ToUnixTimeMilliseconds() ?? _created;

    /// <summary>m2m-sig of these fields under the device's K_msg (or <paramref name="key"/>).</summary>
    public string Sign(uint epoch, uint sequence, byte[] payload, string? contentType, string topic, long timestamp, byte[]? key = null)
    {
        var encoding = SignedMessageEncoding.Encode(Id, topic, epoch, sequence, timestamp, contentType, payload);
        key ??= messageKey ?? world?.Device(Id).MessageKey() ?? throw new InvalidOperationException("No K_msg for " + Id);
        return Base64Url.EncodeToString(HMACSHA256.HashData(key, encoding));
    }

    /// <summary>A user property value as MQTTnet 5 takes it.</summary>
    public static ReadOnlyMemory<byte> Utf8(string value) => System.Text.Encoding.UTF8.GetBytes(value);

    public Task<MqttClientPublishResult> PublishAsync(MqttApplicationMessage message) => Client.PublishAsync(message);

    public async ValueTask DisposeAsync()
    {
        if (Client.IsConnected)
        {
            await Client.DisconnectAsync().ConfigureAwait(false);
        }

        Client.Dispose();
    }
}
