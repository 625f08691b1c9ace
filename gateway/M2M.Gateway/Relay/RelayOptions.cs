namespace M2M.Gateway.Relay;

/// <summary>Configuration section <c>Gateway:Relay</c>.</summary>
public sealed class RelayOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Gateway:Relay";

    // Each sink's own settings are in its section (Gateway:Relay:File, :Webhook, :Nats...), read by
    // its kind (SinkKinds.All); these are the settings every sink shares.

    /// <summary>Attempts per record before it goes to the dead letters.</summary>
    public int MaxAttempts { get; set; } = 12;

    /// <summary>
    /// Delay before the second attempt of a record, and before the first recovery of a failed sink;
    /// doubles at each further one, with full jitter.
    /// </summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest delay between attempts or recoveries.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Most records built, signed and delivered as one batch.</summary>
    public int BatchSize { get; set; } = 256;

    /// <summary>
    /// How often a delivering sink's position is saved to the journal (and whenever it goes idle):
    /// at-least-once delivery lets a crash repeat what was delivered since.
    /// </summary>
    public TimeSpan PositionSaveInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A batch (or a recovery) taking longer than this makes the sink "stuck" in /health.</summary>
    public TimeSpan StuckAfter { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Exponential backoff with full jitter: uniform in [0, min(max, initial × 2^(attempt-1))].</summary>
    public TimeSpan Backoff(int attempt)
    {
        var ceiling = Math.Min(MaxBackoff.TotalMilliseconds, InitialBackoff.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30)));
        return TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling);
    }
}
