using System.Text.Json;
using M2M.Cli.Common;
using static M2M.Cli.Common.Output;
using Spectre.Console;

namespace M2M.Cli.Sinks;

/// <summary>How sinks and dead letters are shown: tables for people, the gateway's JSON for scripts.</summary>
public static class SinkView
{
    /// <summary>A table with one row per sink.</summary>
    public static void WriteList(CommandContext context, JsonElement sinks)
    {
        var table = new Table().AddColumns("SINK", "STATE", "POSITION", "LAG", "OLDEST UNDELIVERED", "DEAD LETTERS", "SINCE", "LAST ERROR");
        foreach (var sink in sinks.EnumerateArray())
        {
            table.AddRow(Cells(
                Text(sink, "name"),
                Text(sink, "state"),
                Text(sink, "position"),
                Text(sink, "lag"),
                Age(sink),
                Text(sink, "deadLetters"),
                Time(sink, "since"),
                Text(sink, "lastError")));
        }

        var console = context.Console;
        console.Write(table);
        console.WriteLine($"{sinks.GetArrayLength()} sink(s)");
    }

    /// <summary>How old the sink's oldest undelivered record is, e.g. <c>42.5 s</c>; <c>-</c> when it is caught up.</summary>
    private static string Age(JsonElement sink) =>
        sink.TryGetProperty("lagSeconds", out var seconds) && seconds.GetDouble() > 0
            ? seconds.GetDouble().ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " s"
            : "-";

    /// <summary>A table with one row per dead letter, and how to get the next page.</summary>
    public static void WriteDeadLetters(CommandContext context, JsonElement page)
    {
        var table = new Table().AddColumns("ID", "POSITION", "EVENT ID", "SUBJECT", "ATTEMPTS", "FAILED", "ERROR", "QUEUED");
        foreach (var letter in page.GetProperty("deadLetters").EnumerateArray())
        {
            table.AddRow(Cells(
                Text(letter, "id"),
                Text(letter, "position"),
                Text(letter, "eventId"),
                Text(letter, "subject"),
                Text(letter, "attempts"),
                Time(letter, "failedAt"),
                Text(letter, "error"),
                letter.GetProperty("queued").GetBoolean() ? "yes" : "no"));
        }

        var console = context.Console;
        console.Write(table);
        console.WriteLine($"{page.GetProperty("deadLetters").GetArrayLength()} of {Text(page, "total")} dead letter(s) of sink {Text(page, "sink")}");
        if (page.GetProperty("next").ValueKind == JsonValueKind.Number)
        {
            console.WriteLine($"more: m2m sink dead-letters {Text(page, "sink")} --after {page.GetProperty("next").GetInt64()}");
        }
    }
}
