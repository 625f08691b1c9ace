using System.Text.RegularExpressions;

namespace M2M.Gateway.Relay.Postgres;

/// <summary>Configuration section <c>Gateway:Relay:Postgres</c> (docs/sinks.md, "PostgreSQL").</summary>
public sealed class PostgresSinkOptions
{
    /// <summary>An Npgsql connection string (<c>Host=...;Database=...;Username=...;Password=...</c>); null turns the sink off. Never logged.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The table, created and migrated by the sink: one row per record.</summary>
    public string Table { get; set; } = "m2m_telemetry";

    /// <summary>Its schema.</summary>
    public string Schema { get; set; } = "public";

    /// <summary>Timeout of one statement (the migration, one batch's insert).</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>The <c>postgres</c> sink kind: on when <c>Gateway:Relay:Postgres:ConnectionString</c> is set.</summary>
public sealed partial class PostgresSinkKind : SinkKind<PostgresSinkOptions>
{
    public const string SinkName = "postgres";

    public override string Name => SinkName;

    public override string Section => "Postgres";

    protected override bool IsEnabled(PostgresSinkOptions options) => !string.IsNullOrEmpty(options.ConnectionString);

    protected override IEnumerable<string> Validate(PostgresSinkOptions options)
    {
        string? problem = null;
        try
        {
            _ = new Npgsql.NpgsqlConnectionStringBuilder(options.ConnectionString);
        }
        catch (ArgumentException)
        {
            // The builder's message may quote the string, password included: only the key is named.
            problem = $"{Key("ConnectionString")} is not an Npgsql connection string";
        }

        if (problem != null)
        {
            yield return problem;
        }

        foreach (var (key, value) in new[] { ("Table", options.Table), ("Schema", options.Schema) })
        {
            if (!Identifier().IsMatch(value ?? string.Empty))
            {
                yield return $"{Key(key)} must match [a-z_][a-z0-9_]{{0,62}} (an unquoted PostgreSQL identifier)";
            }
        }

        if (options.CommandTimeout < TimeSpan.FromSeconds(1))
        {
            yield return $"{Key("CommandTimeout")} must be at least a second";
        }
    }

    protected override IRecordSink Create(PostgresSinkOptions options, SinkContext context) => new PostgresSink(options);

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex Identifier();
}
