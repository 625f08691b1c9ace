using M2M.Gateway.Journal;

namespace M2M.Gateway.Tests;

/// <summary>
/// The journal's writer never dies (docs/ingress.md, "Journal"): a transaction that fails fails only
/// its own appends, and a waiter that throws (a bug in whoever waits) disturbs nobody; the appends
/// after either are judged and made durable as usual.
/// </summary>
public sealed class TheJournalWriterSurvivesAnyFailureTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string _folder = Directory.CreateTempSubdirectory("m2m-journal-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task AFailedTransactionFailsOnlyItsOwnAppends()
    {
        await using var journal = Open();
        // A record SQLite refuses (payload NOT NULL) stands for any failure of a commit.
        var refused = await journal.AppendAndWaitAsync(Record(1) with { Payload = null! }, Signature(1), default).WaitAsync(Patience);
        var next = await journal.AppendAndWaitAsync(Record(2), Signature(2), default).WaitAsync(Patience);

        Assert.Equal(AppendOutcome.Failed, refused.Outcome);
        Assert.Equal((AppendOutcome.Appended, 1L), (next.Outcome, next.Position));
    }

    [Fact]
    public async Task AWaiterThatThrowsDisturbsNobody()
    {
        await using var journal = Open();
        await journal.AppendAsync(new JournalAppend(Record(1), Signature(1), new ThrowingWaiter()), default);

        var next = await journal.AppendAndWaitAsync(Record(2), Signature(2), default).WaitAsync(Patience);

        Assert.Equal((AppendOutcome.Appended, 2L), (next.Outcome, next.Position));
    }

    private TelemetryJournal Open() => new(Path.Combine(_folder, "journal.db"), new JournalOptions());

    private static JournalRecord Record(uint seq) =>
        new(0, "sensor-1", "acme", 1, "devices/sensor-1/telemetry", 1, seq, 0, 0, null, [0x01], "sig");

    private static byte[] Signature(uint seq) => [.. BitConverter.GetBytes((ulong)seq), .. new byte[24]];

    private sealed class ThrowingWaiter : IJournalWaiter
    {
        public bool Accepting => true;

        public void OnJournaled(JournalAppend append) => throw new InvalidOperationException("a bug in a waiter");
    }
}
