using M2M.Gateway.Journal;
using M2M.Gateway.Tests.Support;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace M2M.Gateway.Tests;

/// <summary>
/// Cluster mode rides out the loss of a NATS node (docs/ingress.md, "Cluster mode"): the journal
/// stream's leader is killed with SIGKILL while a device's messages are being appended; appends go
/// on (the client reconnects, JetStream elects a new leader, a write whose acknowledgement was lost
/// is retried under the same Msg-Id), and afterwards the stream holds every record that was
/// Appended, exactly once, at the position its outcome named.
/// </summary>
public sealed class ANatsNodeKilledMidStreamLosesNoAppendedRecordTests : IAsyncLifetime
{
    private const int Messages = 60;
    private ClusterJournalRig _rig = null!;

    public async Task InitializeAsync() => _rig = await ClusterJournalRig.StartAsync();

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task AppendsContinueAndEveryAppendedRecordIsStored()
    {
        var journal = await _rig.NodeAsync("a");
        var outcomes = new List<JournalAppend>();
        for (var seq = 1u; seq <= Messages; seq++)
        {
            if (seq == Messages / 3)
            {
                _rig.Cluster.Kill(await StreamLeaderAsync());
            }

            // A device resends what was not acknowledged (a Failed append closes its connection).
            var message = ClusterJournalRig.Message("sensor-1", 1, seq);
            var outcome = await ClusterJournalRig.AppendAsync(journal, message);
            for (var resend = 0; outcome.Outcome == AppendOutcome.Failed && resend < 3; resend++)
            {
                outcome = await ClusterJournalRig.AppendAsync(journal, message);
            }

            outcomes.Add(outcome);
        }

        Assert.All(outcomes, o => Assert.Contains(o.Outcome, new[] { AppendOutcome.Appended, AppendOutcome.Duplicate }));
        var stored = await _rig.StoredAsync();
        Assert.Equal(Enumerable.Range(1, Messages).Select(seq => (uint)seq), stored.Select(r => r.Sequence));
        Assert.All(outcomes.Where(o => o.Outcome == AppendOutcome.Appended), o => Assert.Equal(o.Record.Sequence, stored.Single(r => r.Position == o.Position).Sequence));
    }

    private async Task<int> StreamLeaderAsync()
    {
        await using var connection = new NatsConnection(new NatsOpts { Url = _rig.Cluster.Urls });
        var info = await new NatsJSContext(connection).GetStreamAsync(_rig.Options.JournalStream);
        var leader = info.Info.Cluster!.Leader;
        return Enumerable.Range(0, _rig.Cluster.Count).Single(i => _rig.Cluster.ServerName(i) == leader);
    }
}
