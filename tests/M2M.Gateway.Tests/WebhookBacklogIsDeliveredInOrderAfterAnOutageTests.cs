using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using M2M.Gateway.Journal;
using M2M.Gateway.Tests.Support;
using M2M.Gateway.TestHost;
using M2M.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using MQTTnet;

namespace M2M.Gateway.Tests;

/// <summary>
/// The webhook sink, against a real HTTP receiver on loopback that is down for a while: the
/// backlog is delivered once it returns, each event once, in order per device; a record that
/// keeps failing goes to the dead letters after the configured attempts.
/// </summary>
public sealed class WebhookBacklogIsDeliveredInOrderAfterAnOutageTests : IAsyncLifetime
{
    private readonly TestWorld _world = TestWorld.Create(("sensor-1", "acme"), ("sensor-2", "acme"));
    private readonly ConcurrentQueue<JsonElement> _received = new();
    private readonly Uri _url = new($"http://127.0.0.1:{LoopbackPort.Free()}/events");
    private WebApplication _receiver = null!;
    private volatile bool _down = true;
    private int _refused;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{_url.Port}");
        _receiver = builder.Build();
        _receiver.MapPost("/events", async (HttpRequest request) =>
        {
            if (_down)
            {
                Interlocked.Increment(ref _refused);
                return Results.StatusCode(503);
            }

            Assert.Equal("application/cloudevents+json; charset=utf-8", request.ContentType);
            using var document = await JsonDocument.ParseAsync(request.Body);
            _received.Enqueue(document.RootElement.Clone());
            return Results.Ok();
        });
        await _receiver.StartAsync();
    }

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task TheBacklogArrivesOnceInOrderWhenTheReceiverReturns()
    {
        await using var gateway = await InProcessGateway.StartAsync(_world, null, Webhook(maxAttempts: 1000));
        await using var one = await gateway.ConnectAsync("sensor-1", DateTimeOffset.UtcNow);
        await using var two = await gateway.ConnectAsync("sensor-2", DateTimeOffset.UtcNow);
        for (var seq = 1u; seq <= 10; seq++)
        {
            Assert.Equal(MqttClientPublishReasonCode.Success, (await one.PublishAsync(one.Telemetry(1, seq, [(byte)seq]))).ReasonCode);
            Assert.Equal(MqttClientPublishReasonCode.Success, (await two.PublishAsync(two.Telemetry(1, seq, [(byte)seq]))).ReasonCode);
        }

        await WaitUntilAsync(() => Volatile.Read(ref _refused) >= 3);
        _down = false;
        await WaitUntilAsync(() => _received.Count >= 20);
        await Task.Delay(300);

        var events = _received.ToList();
        Assert.Equal(20, events.Count);
        Assert.Equal(20, events.Select(e => e.GetProperty("id").GetString()).Distinct().Count());
        foreach (var device in new[] { "sensor-1", "sensor-2" })
        {
            Assert.Equal(
                Enumerable.Range(1, 10).Select(i => i.ToString(CultureInfo.InvariantCulture)),
                events.Where(e => e.GetProperty("m2mdevice").GetString() == device).Select(e => e.GetProperty("m2mseq").GetString()));
        }

        using var gatewayKey = _world.RecordKey();
        Assert.All(events, e => Assert.True(RecordVerifier.Verify(e, gatewayKey)));
    }

    [Fact]
    public async Task ARecordThatKeepsFailingIsDeadLetteredAndTheNextOneDelivered()
    {
        await using var gateway = await InProcessGateway.StartAsync(_world, null, Webhook(maxAttempts: 2));
        await using var one = await gateway.ConnectAsync("sensor-1", DateTimeOffset.UtcNow);
        await one.PublishAsync(one.Telemetry(1, 1, [1]));
        var journal = gateway.Service<TelemetryJournal>();
        await WaitUntilAsync(() => journal.ReadDeadLetters("webhook").Count == 1);

        _down = false;
        await one.PublishAsync(one.Telemetry(1, 2, [2]));
        await WaitUntilAsync(() => !_received.IsEmpty);

        Assert.Equal("sensor-1/1/1/1", JsonDocument.Parse(journal.ReadDeadLetters("webhook")[0].Event).RootElement.GetProperty("id").GetString());
        Assert.Equal("sensor-1/1/1/2", Assert.Single(_received).GetProperty("id").GetString());
    }

    private string[] Webhook(int maxAttempts) =>
    [
        "--Gateway:Relay:Webhook:Url", _url.ToString(),
        "--Gateway:Relay:MaxAttempts", maxAttempts.ToString(CultureInfo.InvariantCulture),
        "--Gateway:Relay:InitialBackoff", "00:00:00.020",
        "--Gateway:Relay:MaxBackoff", "00:00:00.100",
    ];

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not hold within 30 s.");
            await Task.Delay(20);
        }
    }
}
