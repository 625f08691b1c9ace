using M2M.Gateway.Journal;
using M2M.Gateway.Tests.Support;
using M2M.Testing;

namespace M2M.Gateway.Tests;

/// <summary>
/// The journal's backlog, the figure that holds ingest back at <c>Gateway:Journal:MaxBacklog</c>
/// (docs/ingress.md, "Backlog"): the records the slowest enabled sink has not delivered, from the
/// sinks' live positions; waiting for it to fall below a bound ends when the sink catches up; a sink
/// that is no longer configured holds nothing back.
/// </summary>
public sealed class TheBacklogIsWhatTheSlowestEnabledSinkHasNotDeliveredTests : IAsyncLifetime
{
    private RelayRig _rig = null!;

    public async Task InitializeAsync() => _rig = await RelayRig.StartAsync(webhookDown: true);

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task TheBacklogFollowsTheSlowestSinkAndAnUnconfiguredSinkHoldsNothingBack()
    {
        await using (var gateway = await _rig.StartGatewayAsync())
        {
            var journal = gateway.Service<TelemetryJournal>();
            await using var device = await gateway.ConnectAsync("sensor-1", DateTimeOffset.UtcNow);
            await RelayRig.PublishAsync(device, 1, 6);

            // The file sink delivers everything; the webhook, down, nothing: the backlog is the webhook's.
            Assert.Equal(6, (await _rig.FileEventsAsync(6)).Count);
            await Eventually.TrueAsync(() => _rig.Webhook.Refused > 0, "the webhook to refuse the first record");
            Assert.Equal(6, journal.Backlog);
            var below = journal.WaitForBacklogBelowAsync(3, CancellationToken.None).AsTask();
            Assert.False(below.IsCompleted);
            Assert.True(CompletedAtOnce(journal.WaitForBacklogBelowAsync(7, CancellationToken.None)));

            _rig.Webhook.Down = false;
            await below.WaitAsync(Eventually.DefaultTimeout);
            await Eventually.TrueAsync(() => journal.Backlog == 0, "the backlog to drain");
            Assert.Equal(6, _rig.Webhook.Deliveries.Count);

            _rig.Webhook.Down = true;
            await RelayRig.PublishAsync(device, 7, 7);
            await Eventually.TrueAsync(() => _rig.Webhook.Refused > 1, "the webhook to refuse seq 7");
            Assert.Equal(1, journal.Backlog);
        }

        // Restarted without the webhook: its saved position is behind, but it holds nothing back.
        await using var again = await _rig.StartGatewayAsync(webhook: false);
        var journalAgain = again.Service<TelemetryJournal>();
        await Eventually.TrueAsync(() => journalAgain.Sinks.Any(s => s.Sink == "file" && s.Position == 7), "the file sink to resume at seq 7");
        Assert.Equal(["file"], journalAgain.Sinks.Select(s => s.Sink));
        Assert.Equal(0, journalAgain.Backlog);
    }

    private static bool CompletedAtOnce(ValueTask wait) => wait.IsCompletedSuccessfully;
}
