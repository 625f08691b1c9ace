using System.Diagnostics;
using System.Globalization;
using M2M.Gateway.Tests.Support;
using M2M.Gateway.TestHost;
using Microsoft.Extensions.Time.Testing;

namespace M2M.Gateway.Tests;

/// <summary>
/// A client this project did not write, Debian's <c>mosquitto_pub</c> (MQTT 5, user properties),
/// publishes telemetry signed as docs/protocol.md section 6 says; the gateway accepts the correctly
/// signed messages and relays only those.
/// </summary>
public sealed class MosquittoClientPublishesSignedTelemetryTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly TestWorld _world = TestWorld.Create(("sensor-1", "acme"));
    private InProcessGateway _gateway = null!;

    public async Task InitializeAsync() => _gateway = await InProcessGateway.StartAsync(_world, _time);

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task MosquittoPubsSignedMessagesAreRelayedAndItsForgedOneIsNot()
    {
        var device = _gateway.Device("sensor-1");
        const string Topic = "devices/sensor-1/telemetry";
        var ts = _time.GetUtcNow().ToUnixTimeMilliseconds();

        var first = """{"temp":20.5}"""u8.ToArray();
        await MosquittoPubAsync(1, 1, first, device.Sign(1, 1, first, "application/json", Topic, ts), ts);
        var forged = """{"temp":99.9}"""u8.ToArray();
        await MosquittoPubAsync(1, 2, forged, device.Sign(1, 2, first, "application/json", Topic, ts), ts);
        var third = """{"temp":21.0}"""u8.ToArray();
        await MosquittoPubAsync(1, 3, third, device.Sign(1, 3, third, "application/json", Topic, ts), ts);

        var events = await _gateway.FileEventsAsync(2);
        Assert.Equal(["1", "3"], events.Select(e => e.GetProperty("m2mseq").GetString()));
        Assert.Equal(first, Convert.FromBase64String(events[0].GetProperty("data_base64").GetString()!));
        using var gatewayKey = _world.RecordKey();
        Assert.All(events, e => Assert.True(RecordVerifier.Verify(e, gatewayKey)));
    }

    private async Task MosquittoPubAsync(uint epoch, uint seq, byte[] payload, string signature, long timestamp)
    {
        var payloadFile = Path.Combine(_gateway.DataDirectory, $"payload-{seq}.bin");
        await File.WriteAllBytesAsync(payloadFile, payload);
        var info = new ProcessStartInfo("mosquitto_pub") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[]
        {
            "-h", "127.0.0.1", "-p", _gateway.MqttPort.ToString(CultureInfo.InvariantCulture), "-V", "mqttv5",
            "-i", "sensor-1", "-u", "sensor-1", "-P", _world.MintAccessToken("sensor-1", _time.GetUtcNow()),
            "-t", "devices/sensor-1/telemetry", "-q", "1", "-f", payloadFile,
            "-D", "publish", "content-type", "application/json",
            "-D", "publish", "user-property", "m2m-v", "1",
            "-D", "publish", "user-property", "m2m-epoch", epoch.ToString(CultureInfo.InvariantCulture),
            "-D", "publish", "user-property", "m2m-seq", seq.ToString(CultureInfo.InvariantCulture),
            "-D", "publish", "user-property", "m2m-ts", timestamp.ToString(CultureInfo.InvariantCulture),
            "-D", "publish", "user-property", "m2m-sig", signature,
        })
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
    }
}
