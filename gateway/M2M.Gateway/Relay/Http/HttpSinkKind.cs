namespace M2M.Gateway.Relay.Http;

/// <summary>The settings every HTTP sink (webhook, Prometheus, Loki) has in its section.</summary>
public abstract class HttpSinkOptions
{
    /// <summary>Where the sink POSTs; null turns the sink off.</summary>
    public Uri? Url { get; set; }

    /// <summary>Timeout of one request.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How the sink authenticates (docs/sinks.md, "HTTP authentication").</summary>
    public HttpAuthOptions Auth { get; set; } = new();
}

/// <summary>
/// A sink kind that POSTs to an HTTP backend: on when its <c>Url</c> is set; the URL, timeout and
/// <c>Auth</c> settings are checked here for every HTTP sink, and its client is built by
/// <see cref="HttpSinkClient"/>, so every HTTP sink authenticates the same way.
/// </summary>
public abstract class HttpSinkKind<TOptions> : SinkKind<TOptions>
    where TOptions : HttpSinkOptions, new()
{
    protected sealed override bool IsEnabled(TOptions options) => options.Url != null;

    protected sealed override IEnumerable<string> Validate(TOptions options)
    {
        if (options.Url is { IsAbsoluteUri: false } or { Scheme: not ("http" or "https") })
        {
            yield return $"{Key("Url")} is not an absolute http or https URL";
        }

        if (options.Timeout <= TimeSpan.Zero)
        {
            yield return $"{Key("Timeout")} must be positive";
        }

        foreach (var problem in options.Auth.Problems())
        {
            yield return $"{Key("Auth")}:{problem}";
        }

        foreach (var problem in ValidateBackend(options))
        {
            yield return problem;
        }
    }

    protected sealed override IRecordSink Create(TOptions options, SinkContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var client = context.Services.GetRequiredService<HttpSinkClient>().Create(Name, options.Auth, options.Timeout);
        return Create(options, client, context);
    }

    /// <summary>What is wrong with the backend's own settings, each naming its key.</summary>
    protected virtual IEnumerable<string> ValidateBackend(TOptions options) => [];

    /// <summary>Builds the sink from valid settings and its authenticating client.</summary>
    protected abstract IRecordSink Create(TOptions options, HttpClient client, SinkContext context);
}
