namespace M2M.Gateway.Journal;

/// <summary>Configuration section <c>Gateway:Journal</c>.</summary>
public sealed class JournalOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Gateway:Journal";

    /// <summary>Most appends committed in one transaction (one fsync) by the group commit.</summary>
    public int MaxBatch { get; set; } = 512;

    /// <summary>
    /// Records every enabled sink has delivered are kept this long, then deleted. A record some
    /// enabled sink has not delivered is never deleted, whatever this says.
    /// </summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often retention runs.</summary>
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The bound on <see cref="TelemetryJournal.Backlog"/>: records the slowest enabled sink has not
    /// delivered. At the bound the ingress holds back acknowledgements until the relay catches up
    /// (docs/ingress.md, "Backlog"), so nothing is dropped and latency stays bounded. The default
    /// and what it costs (disk, latency, outage ridden out) are argued in docs/ingress.md.
    /// </summary>
    public long MaxBacklog { get; set; } = 1_000_000;

    /// <summary>
    /// Committed records the journal keeps in memory for the relay, which reads SQLite only for a
    /// sink further behind than this (after a restart or a long outage).
    /// </summary>
    public int TailRecords { get; set; } = 16_384;
}
