namespace M2M.Gateway.Relay;

/// <summary>
/// The registry of sink kinds (docs/sinks.md): each kind reads its own section
/// <c>Gateway:Relay:{Section}</c>, and every enabled one becomes a sink with its own loop. A kind
/// that cannot be built (unreadable or invalid settings) becomes an <see cref="UnstartableSink"/>
/// that says why in /health, the admin API, the log and the metrics, while the others run.
/// </summary>
public static partial class SinkKinds
{
    /// <summary>Every kind, in the order their sinks start. A new kind is added here and nowhere else.</summary>
    public static IReadOnlyList<ISinkKind> All { get; } =
    [
        new JsonLinesFileSinkKind(),
        new WebhookSinkKind(),
        new Nats.NatsSinkKind(),
        new Postgres.PostgresSinkKind(),
        new Prometheus.PrometheusSinkKind(),
        new Loki.LokiSinkKind(),
    ];

    /// <summary>The sinks <paramref name="relay"/> (the <c>Gateway:Relay</c> section) enables.</summary>
    public static IReadOnlyList<IRecordSink> Create(IConfiguration relay, SinkContext context)
    {
        ArgumentNullException.ThrowIfNull(relay);
        ArgumentNullException.ThrowIfNull(context);
        var sinks = new List<IRecordSink>();
        foreach (var kind in All)
        {
            var section = relay.GetSection(kind.Section);
            try
            {
                if (kind.IsEnabled(section))
                {
                    sinks.Add(kind.Create(section, context));
                }
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                var reason = FailureKind.Of(exception);
                LogCannotStart(context.Logger, kind.Name, reason);
                sinks.Add(new UnstartableSink(kind.Name, reason));
            }
        }

        return sinks;
    }

    /// <summary>
    /// The names of the sinks <paramref name="relay"/> enables, without building them; a kind whose
    /// settings cannot be read counts as enabled (its sink would be, failing, and its records wait).
    /// </summary>
    public static IReadOnlyList<string> EnabledNames(IConfiguration relay)
    {
        ArgumentNullException.ThrowIfNull(relay);
        var names = new List<string>();
        foreach (var kind in All)
        {
            bool enabled;
            try
            {
                enabled = kind.IsEnabled(relay.GetSection(kind.Section));
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                enabled = true;
            }

            if (enabled)
            {
                names.Add(kind.Name);
            }
        }

        return names;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Sink {Sink} cannot start ({Reason}); the other sinks run, and its records wait for it in the journal (docs/sinks.md)")]
    private static partial void LogCannotStart(ILogger logger, string sink, string reason);
}

/// <summary>
/// Stands for a configured sink that could not be built: its loop fails at every recovery with the
/// reason, so it shows as <c>failing</c> with it, and its records wait in the journal (it holds
/// retention back like any enabled sink) until the settings are fixed and the gateway restarted.
/// </summary>
internal sealed class UnstartableSink(string name, string reason) : IRecordSink
{
    public string Name { get; } = name;

    public Task<long> RecoverPositionAsync(CancellationToken cancellationToken) => throw new SinkFailureException(reason);

    public ValueTask DeliverAsync(RelayEvent relayEvent, CancellationToken cancellationToken) => throw new SinkFailureException(reason);

    public Task FlushAsync(CancellationToken cancellationToken) => throw new SinkFailureException(reason);

    public ValueTask CloseAsync() => ValueTask.CompletedTask;
}
