using M2M.Gateway.Tests.Support;
using M2M.Testing;
using Npgsql;

namespace M2M.Gateway.Tests;

/// <summary>
/// Cluster mode (docs/sinks.md, "Cluster mode"): the node holding the sinks' leases is killed with
/// SIGKILL mid-stream. Its PostgreSQL session ends with the process, which frees its leases; the
/// node on standby takes the sinks over and resumes each from its saved position. The file sink,
/// which resumes after the last line it holds, has every record exactly once, in order; the
/// webhook, which cannot tell a repeat, gets every record in order with one repeat at most, of the
/// records the dead node delivered after it last saved its position (as a single gateway killed
/// does), never before it. Seen failing with every lease granted (both nodes delivered the webhook's
/// records, interleaved) and with positions never saved (the survivor repeated everything).
/// </summary>
public sealed class AKilledRelayNodesSinkIsTakenOverWithNothingLostOrRepeatedTests : IAsyncLifetime
{
    private ClusterRelayRig _rig = null!;

    public async Task InitializeAsync() => _rig = await ClusterRelayRig.StartAsync(webhook: true);

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task TheSurvivorDeliversTheRestInOrderWithoutRepeatingWhatWasSaved()
    {
        // The file sink at one path both nodes reach, and one webhook.
        var file = Path.Combine(_rig.Folder, "telemetry.jsonl");
        var a = await _rig.StartWebhookNodeAsync("node-a", "--Gateway:Relay:File:Path", file);
        await _rig.PublishAsync(1, 100);
        await _rig.Webhook.DeliveriesAsync(100);
        await Eventually.TrueAsync(async () => await SavedPositionAsync("webhook") >= 100, "node-a to save the webhook's position");
        var b = await _rig.StartWebhookNodeAsync("node-b", "--Gateway:Relay:File:Path", file);
        var held = await MetricsScrape.ReadAsync(a.BaseAddress);
        Assert.Equal((1, 1), (held.Value("m2m_relay_sink_held", "sink", "file"), held.Value("m2m_relay_sink_held", "sink", "webhook")));
        var standby = await Eventually.ValueAsync(() => MetricsScrape.ReadAsync(b.BaseAddress), m => m.Text.Contains("m2m_relay_sink_held{sink=\"webhook\"}", StringComparison.Ordinal), "node-b's relay to start");
        Assert.Equal((0, 0), (standby.Value("m2m_relay_sink_held", "sink", "file"), standby.Value("m2m_relay_sink_held", "sink", "webhook")));

        // Killed while records keep coming; the rest come after, for the survivor alone.
        var publishing = _rig.PublishAsync(101, 250);
        await FileSink.ReadAsync(file, 150);
        await a.KillAsync();
        await publishing;
        await _rig.PublishAsync(251, 400);
        await Eventually.TrueAsync(async () => (await MetricsScrape.ReadAsync(b.BaseAddress)).Value("m2m_relay_sink_held", "sink", "webhook") == 1, "node-b to take the webhook over");

        // The last record is the sentinel: once it is delivered, everything before it is.
        var lines = await FileSink.ReadAsync(file, 400);
        Assert.Equal(ClusterRelayRig.EventIds(1, 400), lines.Select(l => l.GetProperty("id").GetString()));

        var received = await _rig.WebhookIdsThroughAsync(400);
        var seqs = received.Select(id => int.Parse(id.Split('/')[^1], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var resumedAt = Enumerable.Range(1, seqs.Count - 1).FirstOrDefault(i => seqs[i] <= seqs[i - 1], -1);
        var (before, after) = resumedAt < 0 ? (seqs, []) : (seqs[..resumedAt], seqs[resumedAt..]);
        Assert.Equal(Enumerable.Range(1, before.Count), before);
        if (after.Count > 0)
        {
            Assert.True(after[0] > 100, $"the survivor repeated from {after[0]}, before the position node-a saved");
            Assert.Equal(Enumerable.Range(after[0], 400 - after[0] + 1), after);
        }
    }

    private async Task<long> SavedPositionAsync(string sink)
    {
        await using var connection = new NpgsqlConnection(_rig.Postgres.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT position FROM m2m_relay_positions WHERE sink = @sink", connection);
        command.Parameters.AddWithValue("sink", sink);
        return await command.ExecuteScalarAsync() is long position ? position : 0;
    }
}
