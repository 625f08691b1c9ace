namespace M2M.Gateway.Relay;

/// <summary>
/// A kind of sink the relay can run (docs/sinks.md): its name, its configuration section
/// <c>Gateway:Relay:{Section}</c>, whether that section turns it on, and how to build it. Every kind
/// is listed once, in <see cref="SinkKinds.All"/>; that list is the one place a new kind plugs in.
/// </summary>
public interface ISinkKind
{
    /// <summary>The sink's name: its position key in the journal, its metric label, its dead-letter key, its name in the admin API.</summary>
    string Name { get; }

    /// <summary>Its configuration section under <c>Gateway:Relay</c>.</summary>
    string Section { get; }

    /// <summary>True when <paramref name="section"/> turns the sink on; throws when the section cannot be read.</summary>
    bool IsEnabled(IConfigurationSection section);

    /// <summary>
    /// Builds the sink from <paramref name="section"/>. Throws <see cref="SinkFailureException"/>
    /// (reason <c>configuration: ...</c>) for settings it cannot run with; the relay then runs the
    /// other sinks and shows this one as failing with that reason.
    /// </summary>
    IRecordSink Create(IConfigurationSection section, SinkContext context);
}

/// <summary>A sink kind whose settings bind to <typeparamref name="TOptions"/>, validated before the sink is built.</summary>
public abstract class SinkKind<TOptions> : ISinkKind
    where TOptions : class, new()
{
    public abstract string Name { get; }

    public abstract string Section { get; }

    public bool IsEnabled(IConfigurationSection section) => IsEnabled(Bind(section));

    public IRecordSink Create(IConfigurationSection section, SinkContext context)
    {
        ArgumentNullException.ThrowIfNull(section);
        var options = Bind(section);
        var problems = Validate(options).ToList();
        if (problems.Count > 0)
        {
            throw new SinkFailureException($"configuration: {string.Join("; ", problems)}");
        }

        return Create(options, context);
    }

    /// <summary>True when the bound settings turn the sink on.</summary>
    protected abstract bool IsEnabled(TOptions options);

    /// <summary>What is wrong with the settings, each naming its key (<c>Gateway:Relay:Nats:Url is required</c>); never a secret's value.</summary>
    protected virtual IEnumerable<string> Validate(TOptions options) => [];

    /// <summary>Builds the sink from valid settings.</summary>
    protected abstract IRecordSink Create(TOptions options, SinkContext context);

    /// <summary>The full key of a setting, for messages: <c>Gateway:Relay:{Section}:{key}</c>.</summary>
    protected string Key(string key) => $"{RelayOptions.Section}:{Section}:{key}";

    private static TOptions Bind(IConfigurationSection section)
    {
        try
        {
            return section.Get<TOptions>() ?? new TOptions();
        }
        catch (InvalidOperationException exception)
        {
            // The binder names the key and the type it expected, never the value.
            throw new SinkFailureException($"configuration: {exception.Message}", exception);
        }
    }
}

/// <summary>What a sink kind may use to build its sink.</summary>
/// <param name="Services">The gateway's services (an HTTP client factory, the secret protector...).</param>
/// <param name="DataDirectory">The gateway's data folder (<c>Gateway:DataDirectory</c>).</param>
/// <param name="Time">The gateway's clock.</param>
/// <param name="Logger">The relay's logger, for a sink's own diagnostics (never a secret).</param>
public sealed record SinkContext(IServiceProvider Services, string DataDirectory, TimeProvider Time, ILogger Logger);
