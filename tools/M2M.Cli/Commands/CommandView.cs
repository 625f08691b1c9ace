using System.Text.Json;
using M2M.Cli.Common;
using static M2M.Cli.Common.Output;
using Spectre.Console;

namespace M2M.Cli.Commands;

/// <summary>How commands are shown: tables for people, the gateway's JSON for scripts.</summary>
public static class CommandView
{
    /// <summary>One row per command.</summary>
    public static void WriteList(CommandContext context, JsonElement entries)
    {
        var table = new Table().AddColumns("SEQ", "NAME", "STATUS", "SENT", "QUEUED", "ANSWERED", "DETAIL");
        foreach (var entry in entries.EnumerateArray())
        {
            table.AddRow(Cells(
                Text(entry, "sequence"),
                Text(entry, "name"),
                Text(entry, "status"),
                Text(entry, "deliveries"),
                Time(entry, "createdAt"),
                Time(entry, "completedAt", "-"),
                Pairs(entry, "detail")));
        }

        context.Console.Write(table);
        context.Console.WriteLine($"{entries.GetArrayLength()} command(s)");
    }

    /// <summary>One command as a two-column table.</summary>
    public static void WriteCommand(CommandContext context, JsonElement entry)
    {
        var table = new Table().AddColumns("FIELD", "VALUE").HideHeaders();
        table.AddRow(Cells("device", Text(entry, "deviceId")));
        table.AddRow(Cells("sequence", Text(entry, "sequence")));
        table.AddRow(Cells("name", Text(entry, "name")));
        table.AddRow(Cells("arguments", Pairs(entry, "arguments")));
        table.AddRow(Cells("status", Text(entry, "status")));
        table.AddRow(Cells("detail", Pairs(entry, "detail")));
        table.AddRow(Cells("queued", Time(entry, "createdAt")));
        table.AddRow(Cells("expires", Time(entry, "expiresAt")));
        table.AddRow(Cells("sent", $"{Text(entry, "deliveries")} time(s), last {Time(entry, "deliveredAt", "never")}"));
        table.AddRow(Cells("answered", Time(entry, "completedAt", "-")));
        context.Console.Write(table);
    }

    private static string Pairs(JsonElement entry, string name) =>
        entry.TryGetProperty(name, out var pairs) && pairs.ValueKind == JsonValueKind.Object
            ? string.Join(", ", pairs.EnumerateObject().Select(p => $"{p.Name}={p.Value.GetString()}"))
            : string.Empty;
}
