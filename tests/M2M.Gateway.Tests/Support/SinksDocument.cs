namespace M2M.Gateway.Tests.Support;

/// <summary>The examples of docs/sinks.md (copied next to the test assembly), so the tests run what the docs tell consumers to run.</summary>
public static class SinksDocument
{
    private const string RebuildMarker = "-- The CloudEvent of each row";

    /// <summary>The SQL query that rebuilds each row's CloudEvent (section "PostgreSQL", "Verifying a row").</summary>
    public static string RebuildEventQuery
    {
        get
        {
            var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "sinks.md"));
            var start = text.IndexOf(RebuildMarker, StringComparison.Ordinal);
            Assert.True(start >= 0, "docs/sinks.md has no query starting with " + RebuildMarker);
            var end = text.IndexOf("```", start, StringComparison.Ordinal);
            return text[start..end];
        }
    }
}
