using System.Globalization;

namespace M2M.Bench.Report;

/// <summary>
/// Writes the report as Markdown, ready to paste into docs/benchmarks.md: a heading with the machine
/// and the options, the table (median and range of the repetitions, ratio gateway / Mosquitto per
/// repetition), the footnotes, and one line per measured run with its CPU split and load average.
/// Plain text on purpose: no line is wrapped to the terminal's width.
/// </summary>
public static class ReportWriter
{
    public static void Write(TextWriter output, BenchReport report)
    {
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"### m2m bench compare, {report.Started:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {report.LoadAtStart} at the start"));
        output.WriteLine();
        output.WriteLine($"Options: {report.Options.Describe()}. Each cell: median (lowest-highest) of the repetitions.");
        output.WriteLine();
        output.WriteLine("| figure | gateway | Mosquitto | ratio gateway/Mosquitto | target | status |");
        output.WriteLine("|---|---|---|---|---|---|");
        var footnotes = new List<string>();
        foreach (var row in report.Rows)
        {
            var marks = string.Concat(row.Caveats.Select(c =>
            {
                var index = footnotes.IndexOf(c);
                if (index < 0)
                {
                    footnotes.Add(c);
                    index = footnotes.Count - 1;
                }

                return $" [{index + 1}]";
            }));
            output.WriteLine($"| {row.Figure}{marks} | {Format.Spread(row.Gateway)} | {Format.Spread(row.Mosquitto)} | {Format.Spread(row.Ratios)} | {row.Target} | {row.Status(row)} |");
        }

        output.WriteLine();
        for (var i = 0; i < footnotes.Count; i++)
        {
            output.WriteLine($"[{i + 1}] {footnotes[i]}");
        }

        foreach (var failure in report.Failures)
        {
            output.WriteLine($"FAILED: {failure}");
        }

        output.WriteLine();
        output.WriteLine("Runs (CPU in cores over the measured window):");
        output.WriteLine();
        foreach (var run in report.Runs)
        {
            output.WriteLine($"- {run}");
        }

        output.Flush();
    }
}
