using System.Globalization;
using M2M.Bench.Scenarios;
using Spectre.Console;

namespace M2M.Bench;

/// <summary>Prints the scenario results as one table: gateway, Mosquitto, their ratio.</summary>
public static class ResultTable
{
    public static void Write(IAnsiConsole console, IReadOnlyList<ScenarioResult> results)
    {
        var table = new Table().Title("M2M gateway vs Mosquitto (ratio = gateway / mosquitto)")
            .AddColumns("scenario", "metric", "gateway", "mosquitto", "ratio", "better");
        foreach (var r in results)
        {
            table.AddRow(
                Markup.Escape(r.Scenario),
                Markup.Escape(r.Metric),
                Format(r.Gateway, r.Unit),
                Format(r.Mosquitto, r.Unit),
                r.Ratio is { } ratio ? ratio.ToString("0.00", CultureInfo.InvariantCulture) : "-",
                r.HigherIsBetter ? "higher" : "lower");
        }

        console.Write(table);
        foreach (var r in results.Where(r => r.Notes.Length > 0))
        {
            console.MarkupLineInterpolated($"[grey]{r.Scenario}:[/] {r.Notes}");
        }
    }

    private static string Format(double? value, string unit) => value switch
    {
        null => "-",
        { } v when double.IsNaN(v) => "n/a",
        { } v => Markup.Escape(v.ToString(v >= 100 ? "N0" : "0.00", CultureInfo.InvariantCulture) + " " + unit),
    };
}
