using System.Globalization;

namespace M2M.Bench.Report;

/// <summary>How the report writes numbers and refusals.</summary>
public static class Format
{
    public static string Number(double value) => double.IsNaN(value)
        ? "n/a"
        : value.ToString(Math.Abs(value) >= 100 ? "N0" : "0.00", CultureInfo.InvariantCulture);

    /// <summary>The median, and the range when there was more than one run: "16,100 (15,900-16,400)".</summary>
    public static string Spread(IReadOnlyList<double> values) => values.Count switch
    {
        0 => "-",
        1 => Number(values[0]),
        _ => $"{Number(Median(values))} ({Number(values.Min())}-{Number(values.Max())})",
    };

    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    public static string Refusals(IReadOnlyDictionary<string, int> refused) =>
        refused.Count == 0 ? "" : ", refused " + string.Join(", ", refused.Select(r => $"{r.Key} x{r.Value}"));
}
