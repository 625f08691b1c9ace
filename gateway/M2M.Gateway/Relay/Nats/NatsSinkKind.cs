namespace M2M.Gateway.Relay.Nats;

/// <summary>How a record travels as a NATS message (CloudEvents NATS Protocol Binding 1.0, section 3).</summary>
public enum CloudEventMode
{
    /// <summary>The payload's exact bytes as the body, each attribute a <c>ce-</c> header, the content type in <c>content-type</c>.</summary>
    Binary,

    /// <summary>The whole event as the body (<c>application/cloudevents+json</c>), as the file sink writes it.</summary>
    Structured,
}

/// <summary>Configuration section <c>Gateway:Relay:Nats</c> (docs/sinks.md, "NATS JetStream").</summary>
public sealed class NatsSinkOptions
{
    /// <summary>The server, <c>nats://host:4222</c> (or <c>tls://</c>); null turns the sink off.</summary>
    public string? Url { get; set; }

    /// <summary>The first subject tokens: records go to <c>{prefix}.{tenant}.{device}.{stream}</c>.</summary>
    public string SubjectPrefix { get; set; } = "m2m.telemetry";

    /// <summary>Binary (payload as the body) or structured (the event as the body).</summary>
    public CloudEventMode Mode { get; set; } = CloudEventMode.Binary;

    /// <summary>User name, with <see cref="Password"/>; or neither.</summary>
    public string? Username { get; set; }

    /// <summary>The user's password; never logged.</summary>
    public string? Password { get; set; }

    /// <summary>A token (the server's <c>authorization { token }</c>), instead of a user; never logged.</summary>
    public string? Token { get; set; }

    /// <summary>Create (or update) <see cref="Stream"/> over <c>{prefix}.&gt;</c> at every start.</summary>
    public bool CreateStream { get; set; }

    /// <summary>The JetStream stream the gateway creates when <see cref="CreateStream"/> is true.</summary>
    public string Stream { get; set; } = "M2M_TELEMETRY";

    /// <summary>The created stream's duplicate window: a record repeated within it is dropped by JetStream.</summary>
    public TimeSpan DuplicateWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Timeout of connecting and of each publish acknowledgement.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>The <c>nats</c> sink kind: on when <c>Gateway:Relay:Nats:Url</c> is set.</summary>
public sealed class NatsSinkKind : SinkKind<NatsSinkOptions>
{
    public const string SinkName = "nats";

    public override string Name => SinkName;

    public override string Section => "Nats";

    protected override bool IsEnabled(NatsSinkOptions options) => !string.IsNullOrEmpty(options.Url);

    protected override IEnumerable<string> Validate(NatsSinkOptions options)
    {
        if (!Uri.TryCreate(options.Url, UriKind.Absolute, out var url) || url.Scheme is not ("nats" or "tls" or "ws" or "wss"))
        {
            yield return $"{Key("Url")} is not a nats://, tls://, ws:// or wss:// URL";
        }

        if (!NatsSubject.IsValidPrefix(options.SubjectPrefix))
        {
            yield return $"{Key("SubjectPrefix")} is not one or more subject tokens separated by '.' (no spaces, '*' or '>')";
        }

        if (options.Username != null != (options.Password != null))
        {
            yield return $"{Key("Username")} and {Key("Password")} go together";
        }

        if (options.Token != null && options.Username != null)
        {
            yield return $"{Key("Token")} and {Key("Username")} exclude each other";
        }

        if (options.CreateStream && (string.IsNullOrEmpty(options.Stream) || options.Stream.AsSpan().IndexOfAny(" .*>") >= 0))
        {
            yield return $"{Key("Stream")} is not a stream name (no spaces, '.', '*' or '>')";
        }

        if (options.Timeout <= TimeSpan.Zero || options.DuplicateWindow <= TimeSpan.Zero)
        {
            yield return $"{Key("Timeout")} and {Key("DuplicateWindow")} must be positive";
        }
    }

    protected override IRecordSink Create(NatsSinkOptions options, SinkContext context) => new NatsSink(options);
}
