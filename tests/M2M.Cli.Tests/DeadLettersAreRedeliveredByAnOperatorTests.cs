using System.Globalization;
using System.Net;
using System.Text.Json;
using M2M.Cli.Tests.Support;
using M2M.Gateway.Tests.Support;
using M2M.Testing;

namespace M2M.Cli.Tests;

/// <summary>
/// A webhook outage long enough to dead-letter records, then redelivery by an operator, one dead
/// letter with <c>m2m sink redeliver --id</c> and the rest through the admin API: the receiver ends
/// with every acknowledged record once (deduplicating by CloudEvents id as docs/ingress.md tells
/// consumers, and no raw duplicate either), the dead-letter gauge is back to 0, and both actions are
/// audited (docs/admin-api.md, "Sinks"; docs/cli.md, "Sink commands").
/// </summary>
public sealed class DeadLettersAreRedeliveredByAnOperatorTests : IAsyncLifetime
{
    private WebhookReceiver _webhook = null!;
    private AdminGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _webhook = await WebhookReceiver.StartAsync(down: true);
        _gateway = await AdminGateway.StartAsync(null,
            "--Gateway:Relay:Webhook:Url", _webhook.Url.ToString(),
            "--Gateway:Relay:MaxAttempts", "2",
            "--Gateway:Relay:InitialBackoff", "00:00:00.010",
            "--Gateway:Relay:MaxBackoff", "00:00:00.050");
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _webhook.DisposeAsync();
    }

    [Fact]
    public async Task AfterAnOutageTheOperatorRedeliversEveryDeadLetterOnce()
    {
        await SimulateAsync("outage");

        // Every acknowledged record reached the file sink; the webhook, down, dead-lettered each.
        var sinks = await Eventually.ValueAsync(async () => Json(await RunAsync("sink", "list", "--json")),
            s => s.EnumerateArray().All(sink => sink.GetProperty("lag").GetInt64() == 0), "both sinks to pass every record");
        var acknowledged = _gateway.FileSinkIds();
        Assert.NotEmpty(acknowledged);
        Assert.Equal(acknowledged.Count, Sink(sinks, "webhook").GetProperty("deadLetters").GetInt64());
        Assert.Equal(0, Sink(sinks, "file").GetProperty("deadLetters").GetInt64());
        Assert.Equal(acknowledged.Count, await DeadLetterGaugeAsync());
        var table = await RunAsync("sink", "list");
        Assert.Contains(table.Output.Split('\n'), row => row.Contains("webhook", StringComparison.Ordinal) && row.Contains(acknowledged.Count.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));

        var page = Json(await RunAsync("sink", "dead-letters", "webhook", "--json"));
        var letters = page.GetProperty("deadLetters").EnumerateArray().ToList();
        Assert.Equal(acknowledged.Count, page.GetProperty("total").GetInt64());
        Assert.Equal(acknowledged, letters.Select(l => l.GetProperty("eventId").GetString()!).ToList());
        Assert.All(letters, l => Assert.Equal("http 503", l.GetProperty("error").GetString()));

        _webhook.Down = false;

        // One, selected, with m2m; it waits until the sink has delivered it.
        var first = letters[0].GetProperty("id").GetInt64().ToString(CultureInfo.InvariantCulture);
        var one = await RunAsync("sink", "redeliver", "webhook", "--id", first);
        Assert.True(one.ExitCode == 0, one.ToString());
        Assert.Contains("1 dead letter(s) redelivered, 0 failed again, 0 still queued", one.Output, StringComparison.Ordinal);
        Assert.Equal([acknowledged[0]], _webhook.Deliveries.Select(d => d.Id));
        Assert.Equal(4, (await RunAsync("sink", "redeliver", "webhook", "--id", first)).ExitCode);

        // The rest through the admin API (no body: every dead letter of the sink).
        using var response = await _gateway.Client.PostAsync(new Uri("/admin/v1/sinks/webhook/dead-letters/redeliver", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var queued = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("queued").GetArrayLength();
        Assert.Equal(acknowledged.Count - 1, queued);
        await Eventually.ValueAsync(DeadLetterGaugeAsync, count => count == 0, "the webhook's dead-letter gauge to return to 0");

        // A sentinel: telemetry published after the redelivery reaches the webhook live; up to it,
        // each acknowledged record arrived once, raw deliveries included.
        await SimulateAsync("after");
        var all = _gateway.FileSinkIds();
        await Eventually.TrueAsync(() => all.All(_webhook.Deliveries.Select(d => d.Id).Contains), "every acknowledged record to reach the webhook");
        Assert.Equal(all.Order(), _webhook.Deliveries.Select(d => d.Id!).Order());
        Assert.Equal(0, Sink(Json(await RunAsync("sink", "list", "--json")), "webhook").GetProperty("deadLetters").GetInt64());

        var audited = _gateway.AuditLines().Where(l => l.GetProperty("action").GetString() == "sink.redeliver").ToList();
        Assert.Equal(3, audited.Count);
        Assert.All(audited, l => Assert.Equal("webhook", l.GetProperty("target").GetString()));
        Assert.Equal(["ok", "dead_letter_not_found", "ok"], audited.Select(l => l.GetProperty("outcome").GetString()));
    }

    [Fact]
    public async Task AnUnknownSinkIsNotFound()
    {
        var result = await RunAsync("sink", "dead-letters", "nats");

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("(sink_not_found)", result.Error, StringComparison.Ordinal);
    }

    private Task<CliResult> RunAsync(params string[] arguments) => M2mProcess.RunAgainstAsync(_gateway, null, arguments);

    private async Task SimulateAsync(string tenant)
    {
        var result = await RunAsync("sim", "--devices", "2", "--rate", "4", "--duration", "00:00:02", "--tenant", tenant,
            "--mqtt", "127.0.0.1:" + _gateway.MqttPort.ToString(CultureInfo.InvariantCulture));
        Assert.True(result.ExitCode == 0, result.ToString());
    }


    private async Task<long> DeadLetterGaugeAsync()
    {
        var metrics = await _gateway.Client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        var line = metrics.Split('\n').Single(l => l.StartsWith("m2m_relay_dead_letters_pending{sink=\"webhook\"}", StringComparison.Ordinal));
        return long.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
    }

    private static JsonElement Json(CliResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        return JsonDocument.Parse(result.Output).RootElement.Clone();
    }

    private static JsonElement Sink(JsonElement sinks, string name) => sinks.EnumerateArray().Single(s => s.GetProperty("name").GetString() == name);
}
