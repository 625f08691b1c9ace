namespace M2M.Gateway.Journal;

/// <summary>Configuration section <c>Gateway:Journal</c>.</summary>
public sealed class JournalOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Gateway:Journal";

    /// <summary>Most appends committed in one transaction (one fsync) by the group commit.</summary>
    public int MaxBatch { get; set; } = 512;

    /// <summary>Records delivered to every sink are kept this long, then deleted.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Hard bound on the records kept, delivered or not: beyond it the oldest are deleted and counted
    /// (<c>m2m_journal_dropped_total</c>), so disk use stays bounded while a sink is down for long.
    /// </summary>
    public long MaxRecords { get; set; } = 5_000_000;

    /// <summary>How often retention runs.</summary>
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromMinutes(1);
}
