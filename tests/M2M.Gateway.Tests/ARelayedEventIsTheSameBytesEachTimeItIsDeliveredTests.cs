using System.Text.Json;
using M2M.Gateway.Journal;
using M2M.Gateway.Relay;
using M2M.Gateway.Tests.Support;
using M2M.Gateway.TestHost;

namespace M2M.Gateway.Tests;

/// <summary>
/// A record is signed in one batch, and its event is the same bytes every time a sink delivers it
/// (docs/ingress.md, "Relayed records"): after a restart the relay builds a batch again from the
/// journal's ledger with the JWS it had, also for a sink resuming in the middle of it, so a
/// destination that drops identical entries (Loki) drops the repeats. Where retention deleted the
/// start of a batch, the rest is signed anew, once, and still verifies.
/// </summary>
public sealed class ARelayedEventIsTheSameBytesEachTimeItIsDeliveredTests : IDisposable
{
    private const int BatchSize = 16;
    private readonly string _folder = Directory.CreateTempSubdirectory("m2m-ledger-").FullName;
    private readonly TestWorld _world = TestWorld.Create(("sensor-1", "acme"));

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task ABatchBuiltAgainAfterARestartIsTheSameBytesFromAnyPositionInIt()
    {
        RelayEvent[] first, second;
        await using (var journal = await JournalWithAsync(40))
        {
            first = await EventsAsync(journal, 0);
            second = await EventsAsync(journal, BatchSize);
        }

        Assert.Equal(Enumerable.Range(1, 2 * BatchSize).Select(p => (long)p), first.Concat(second).Select(e => e.Position));
        Verify([.. first, .. second]);

        // A restart: a new journal object on the same file (nothing in memory), a new window, a new builder.
        await using var reopened = Reopen();
        Assert.Equal(Texts(first), Texts(await EventsAsync(reopened, 0)));
        Assert.Equal(Texts(first[5..]), Texts(await EventsAsync(reopened, 5)));
        Assert.Equal(Texts(second), Texts(await EventsAsync(reopened, BatchSize)));
    }

    [Fact]
    public async Task TheRestOfABatchWhoseStartRetentionDeletedIsSignedAnewOnce()
    {
        RelayEvent[] first;
        await using (var journal = await JournalWithAsync(BatchSize))
        {
            first = await EventsAsync(journal, 0);

            // A sink passed position 5 and retention (no age limit here) deleted records 1 to 5.
            journal.TrackSink("loki", 5);
            Assert.Equal(5, await journal.PruneAsync(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), CancellationToken.None));
        }

        await using var reopened = Reopen();
        var rest = await EventsAsync(reopened, 5);
        Assert.Equal(Enumerable.Range(6, BatchSize - 5).Select(p => (long)p), rest.Select(e => e.Position));
        Assert.NotEqual(Texts(first[5..]), Texts(rest));
        Verify(rest);
        Assert.Equal(Texts(rest[3..]), Texts(await EventsAsync(reopened, 8)));
    }

    [Fact]
    public async Task TheLedgerForgetsTheBatchesEverySinkSavedAPositionPast()
    {
        await using var journal = await JournalWithAsync(2 * BatchSize);
        await EventsAsync(journal, 0);
        await EventsAsync(journal, BatchSize);
        journal.TrackSink("loki", 2 * BatchSize);
        journal.SetSinkPosition("loki", BatchSize);

        await journal.PruneAsync(0, CancellationToken.None);

        Assert.Equal(new SignedBatch(BatchSize + 1, 2 * BatchSize, journal.Ledger.Find(0)!.Value.Signature), journal.Ledger.Find(0));
    }

    private string JournalPath => Path.Combine(_folder, "journal.db");

    private TelemetryJournal Reopen() => new(JournalPath, new JournalOptions());

    private async Task<TelemetryJournal> JournalWithAsync(int count)
    {
        var journal = new TelemetryJournal(JournalPath, new JournalOptions { Retention = TimeSpan.Zero });
        for (var seq = 1u; seq <= count; seq++)
        {
            var record = new JournalRecord(0, "sensor-1", "acme", 1, "devices/sensor-1/telemetry/env", 1, seq, 1767225600000 + seq, 1767225601000 + seq, "application/json", [(byte)seq], "c2ln");
            Assert.Equal(AppendOutcome.Appended, (await journal.AppendAndWaitAsync(record, [.. BitConverter.GetBytes((ulong)seq), .. new byte[24]], CancellationToken.None)).Outcome);
        }

        return journal;
    }

    /// <summary>The events after <paramref name="after"/> as a window of a fresh relay hands them out.</summary>
    private async Task<RelayEvent[]> EventsAsync(TelemetryJournal journal, long after)
    {
        using var builder = new RecordBatchBuilder(new TestRecordSigner(_world), TimeProvider.System);
        using var window = new BatchWindow(journal, builder, BatchSize, BatchSize);
        return [.. await window.NextAsync(after, CancellationToken.None)];
    }

    private void Verify(RelayEvent[] events)
    {
        using var key = _world.RecordKey();
        Assert.All(events, e => Assert.True(RecordVerifier.Verify(JsonDocument.Parse(e.Json).RootElement, key, _world.Issuer)));
    }

    private static string[] Texts(IEnumerable<RelayEvent> events) => [.. events.Select(e => System.Text.Encoding.UTF8.GetString(e.Json.Span))];
}
