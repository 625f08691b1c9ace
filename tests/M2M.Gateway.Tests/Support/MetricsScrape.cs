using System.Globalization;

namespace M2M.Gateway.Tests.Support;

/// <summary>
/// One scrape of a gateway's <c>/metrics</c> (Prometheus text exposition format 0.0.4), read as
/// numbers: a series is its name and its labels exactly as exposed, e.g.
/// <c>m2m_mqtt_connects_total{result="ok"}</c>.
/// </summary>
public sealed class MetricsScrape
{
    private readonly Dictionary<string, double> _values;

    private MetricsScrape(string text, Dictionary<string, double> values)
    {
        Text = text;
        _values = values;
    }

    /// <summary>The exposition as served, for assertion messages.</summary>
    public string Text { get; }

    /// <summary>Scrapes <paramref name="baseAddress"/>/metrics.</summary>
    public static async Task<MetricsScrape> ReadAsync(Uri baseAddress)
    {
        using var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        return Parse(await client.GetStringAsync(new Uri("/metrics", UriKind.Relative)).ConfigureAwait(false));
    }

    /// <summary>Reads an exposition: every line that is not a comment is "series value".</summary>
    public static MetricsScrape Parse(string text)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith('#'))
            {
                continue;
            }

            var space = line.LastIndexOf(' ');
            values[line[..space]] = double.Parse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        return new MetricsScrape(text, values);
    }

    /// <summary>The value of a series with one label, 0 when it was never counted.</summary>
    public double Value(string metric, string label, string value) => Value($"{metric}{{{label}=\"{value}\"}}");

    /// <summary>The value of a series given exactly as exposed (name and labels), 0 when absent.</summary>
    public double Value(string series) => _values.TryGetValue(series, out var value) ? value : 0;

    /// <summary>Every label value of <paramref name="metric"/>'s <paramref name="label"/> with its count (counts of 0 included).</summary>
    public IReadOnlyDictionary<string, double> ByLabel(string metric, string label)
    {
        var prefix = $"{metric}{{{label}=\"";
        return _values.Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal) && p.Key.EndsWith("\"}", StringComparison.Ordinal))
            .ToDictionary(p => p.Key[prefix.Length..^2], p => p.Value, StringComparer.Ordinal);
    }
}
