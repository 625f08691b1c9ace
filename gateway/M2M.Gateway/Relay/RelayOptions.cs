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

    /// <summary>Attempts per record before it goes to the dead letters.</summary>
    public int MaxAttempts { get; set; } = 12;

    /// <summary>Delay before the second attempt; doubles at each further attempt, with full jitter.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest delay between attempts.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Records read from the journal per batch.</summary>
    public int BatchSize { get; set; } = 256;
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
}
