namespace M2M.Gateway.Relay;

/// <summary>Configuration section <c>Gateway:Relay</c>.</summary>
public sealed class RelayOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Gateway:Relay";

    /// <summary>The JSON-lines file sink (the default sink).</summary>
    public FileSinkOptions File { get; set; } = new();

    /// <summary>The HTTP webhook sink; off unless <see cref="WebhookSinkOptions.Url"/> is set.</summary>
    public WebhookSinkOptions Webhook { get; set; } = new();

    /// <summary>The Prometheus remote write sink; off unless its Url is set.</summary>
    public Prometheus.PrometheusSinkOptions Prometheus { get; set; } = new();

    /// <summary>The Loki push sink; off unless its Url is set.</summary>
    public Loki.LokiSinkOptions Loki { get; set; } = new();

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

/// <summary>Configuration section <c>Gateway:Relay:File</c>.</summary>
public sealed class FileSinkOptions
{
    /// <summary>False turns the file sink off.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The file; relative paths are under <c>Gateway:DataDirectory</c>.</summary>
    public string Path { get; set; } = "telemetry.jsonl";
}

/// <summary>Configuration section <c>Gateway:Relay:Webhook</c>.</summary>
public sealed class WebhookSinkOptions
{
    /// <summary>Where each event is POSTed (application/cloudevents+json); null turns the webhook off.</summary>
    public Uri? Url { get; set; }

    /// <summary>Timeout of one POST.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How the webhook authenticates (docs/sinks.md, "HTTP authentication").</summary>
    public Http.HttpAuthOptions Auth { get; set; } = new();
}
