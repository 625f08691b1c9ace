using System.Text.Json;
using M2M.Cli.Common;
using static M2M.Cli.Common.Output;
using Spectre.Console;

namespace M2M.Cli.Rotation;

/// <summary>How rotations are shown: tables for people, the gateway's JSON for scripts.</summary>
public static class RotationView
{
    /// <summary>One row per rotation.</summary>
    public static void WriteList(CommandContext context, JsonElement entries)
    {
        var table = new Table().AddColumns("SEQ", "STATE", "REASON", "STARTED", "DEADLINE", "FINISHED", "BY");
        foreach (var entry in entries.EnumerateArray())
        {
            table.AddRow(Cells(Text(entry, "sequence"), Text(entry, "state"), Text(entry, "reason"), Time(entry, "startedAt"), Time(entry, "deadline"), Time(entry, "finishedAt", "-"), Text(entry, "actor")));
        }

        context.Console.Write(table);
        context.Console.WriteLine($"{entries.GetArrayLength()} rotation(s)");
    }

    /// <summary>One rotation as a two-column table.</summary>
    public static void WriteRotation(CommandContext context, JsonElement entry)
    {
        var table = new Table().AddColumns("FIELD", "VALUE").HideHeaders();
        table.AddRow(Cells("device", Text(entry, "deviceId")));
        table.AddRow(Cells("sequence", Text(entry, "sequence")));
        table.AddRow(Cells("state", Text(entry, "state")));
        table.AddRow(Cells("reason", Text(entry, "reason")));
        table.AddRow(Cells("from generation", Text(entry, "baseGeneration")));
        table.AddRow(Cells("started", Time(entry, "startedAt")));
        table.AddRow(Cells("deadline", Time(entry, "deadline")));
        table.AddRow(Cells("finished", Time(entry, "finishedAt", "-")));
        table.AddRow(Cells("started by", Text(entry, "actor")));
        context.Console.Write(table);
    }

    /// <summary>A device's periodic rotation.</summary>
    public static void WriteSchedule(CommandContext context, JsonElement schedule)
    {
        var every = schedule.GetProperty("everySeconds");
        context.Console.WriteLine(every.ValueKind == JsonValueKind.Null
            ? $"{Text(schedule, "deviceId")}: no periodic rotation"
            : $"{Text(schedule, "deviceId")}: rotated over the air every {every.GetInt64()} s");
    }
}
