using System.Globalization;
using System.Text.RegularExpressions;

namespace M2M.Gateway.Tests.Support;

/// <summary>Reads one sample's value from a /metrics page (Prometheus text format).</summary>
public static partial class MetricsText
{
    /// <summary>The value of <paramref name="series"/> (name and labels exactly as exposed, e.g. <c>m2m_x_total{reason="y"}</c>), or 0 when absent.</summary>
    public static async Task<double> ReadAsync(Uri baseAddress, string series)
    {
        using var http = new HttpClient { BaseAddress = baseAddress };
        var text = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        foreach (Match line in Sample().Matches(text))
        {
            if (line.Groups[1].Value == series)
            {
                return double.Parse(line.Groups[2].Value, CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    [GeneratedRegex(@"^(\S+(?:\{[^}]*\})?) (\S+)$", RegexOptions.Multiline)]
    private static partial Regex Sample();
}
