using M2M.Gateway.Tests.Support;
using M2M.Gateway.TestHost;
using M2M.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace M2M.Gateway.Tests;

/// <summary>
/// Journal retention deletes only records every enabled sink has delivered, whatever the retention
/// settings (zero retention, and the old MaxRecords bound set to 3, which once deleted the oldest
/// records whether delivered or not): records the webhook has not delivered stay in journal.db until
/// it has (docs/ingress.md, "Journal"). The proof of absence is a sentinel: retention, run after the
/// undelivered records were acknowledged, deletes exactly the delivered ones before them.
/// </summary>
public sealed class UndeliveredRecordsAreNeverPrunedTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly TestWorld _world = TestWorld.Create(("sensor-1", "acme"));
    private WebhookReceiver _webhook = null!;

    public async Task InitializeAsync() => _webhook = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await _webhook.DisposeAsync();

    [Fact]
    public async Task RetentionDeletesOnlyWhatEveryEnabledSinkDelivered()
    {
        await using var gateway = await InProcessGateway.StartAsync(_world, _time,
            "--Gateway:Relay:Webhook:Url", _webhook.Url.ToString(),
            "--Gateway:Relay:MaxAttempts", "1000",
            "--Gateway:Journal:Retention", "00:00:00",
            "--Gateway:Journal:RetentionInterval", "00:01:00",
            "--Gateway:Journal:MaxRecords", "3");
        await using var device = await gateway.ConnectAsync("sensor-1", _time.GetUtcNow());

        // Delivered to both sinks.
        await RelayRig.PublishAsync(device, 1, 5);
        await Eventually.TrueAsync(() => _webhook.Deliveries.Count == 5, "the webhook to receive seq 1 to 5");
        Assert.Equal(5, (await gateway.FileEventsAsync(5)).Count);

        // Not delivered to the webhook, which is down.
        _webhook.Down = true;
        await RelayRig.PublishAsync(device, 6, 10);
        await Eventually.TrueAsync(() => _webhook.Refused > 0, "the webhook to refuse seq 6");
        Assert.Equal(10, (await gateway.FileEventsAsync(10)).Count);

        // Retention runs: it deletes seq 1 to 5 (the sentinel that it ran) and keeps 6 to 10.
        _time.Advance(TimeSpan.FromMinutes(2));
        var kept = await Eventually.ValueAsync(() => JournalSequences(gateway), s => s.Count < 10, "retention to delete the delivered records");
        Assert.Equal(["6", "7", "8", "9", "10"], kept);

        // Once the webhook has them, they go too.
        _webhook.Down = false;

        // The relay's back-off runs on the fake clock; a retry may start its wait after any one
        // advance, so the clock moves on at every look until the webhook has them.
        await Eventually.TrueAsync(() =>
        {
            _time.Advance(TimeSpan.FromMinutes(2));
            return _webhook.Deliveries.Count == 10;
        }, "the webhook to receive seq 6 to 10");
        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"sensor-1/1/1/{i}"), _webhook.Deliveries.Select(d => d.Id));
        _time.Advance(TimeSpan.FromMinutes(2));
        await Eventually.ValueAsync(() => JournalSequences(gateway), s => s.Count == 0, "retention to delete the records the webhook delivered");
    }

    /// <summary>The m2m-seq of every record in journal.db, read as a separate SQLite reader would.</summary>
    private static List<string> JournalSequences(InProcessGateway gateway)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(gateway.DataDirectory, "journal.db"),
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq FROM records ORDER BY position";
        using var reader = command.ExecuteReader();
        var sequences = new List<string>();
        while (reader.Read())
        {
            sequences.Add(reader.GetInt64(0).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return sequences;
    }
}
