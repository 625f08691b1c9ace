using System.Text.Json;
using M2M.Cli.Common;
using static M2M.Cli.Common.Output;
using Spectre.Console;

namespace M2M.Cli.Devices;

/// <summary>How devices are shown: tables for people (Spectre.Console), the gateway's JSON for scripts.</summary>
public static class DeviceView
{
    /// <summary>A table with one row per device.</summary>
    public static void WriteList(CommandContext context, JsonElement devices)
    {
        var table = new Table().AddColumns("ID", "TENANT", "ROLES", "ENABLED", "GEN", "CREATED", "LAST SEEN");
        foreach (var device in devices.EnumerateArray())
        {
            table.AddRow(Cells(
                Text(device, "id"),
                Text(device, "tenant"),
                Roles(device),
                Enabled(device),
                Text(device, "credentialGeneration"),
                Time(device, "createdAt"),
                Time(device, "lastSeenAt")));
        }

        var console = context.Console;
        console.Write(table);
        console.WriteLine($"{devices.GetArrayLength()} device(s)");
    }

    /// <summary>One device as a two-column table, and its new secret when the answer carries one.</summary>
    public static void WriteDevice(CommandContext context, JsonElement device)
    {
        var table = new Table().AddColumns("FIELD", "VALUE").HideHeaders();
        table.AddRow(Cells("id", Text(device, "id")));
        table.AddRow(Cells("tenant", Text(device, "tenant")));
        table.AddRow(Cells("roles", Roles(device)));
        table.AddRow(Cells("enabled", Enabled(device)));
        table.AddRow(Cells("credential generation", Text(device, "credentialGeneration")));
        table.AddRow(Cells("created", Time(device, "createdAt")));
        table.AddRow(Cells("last seen", Time(device, "lastSeenAt")));
        var console = context.Console;
        console.Write(table);
        if (device.TryGetProperty("secret", out var secret))
        {
            // The one secret the CLI ever prints: S, returned by add or rotate, needed to provision the board.
            console.WriteLine();
            console.WriteLine("Device secret S (base64url), shown only this once:");
            console.WriteLine("the gateway keeps it encrypted and will not show it again. Write it to the board now.");
            console.WriteLine();
            console.WriteLine("    " + secret.GetString());
            console.WriteLine();
        }
    }

    private static string Roles(JsonElement device) => List(device, "roles");

    private static string Enabled(JsonElement device) =>
        device.TryGetProperty("enabled", out var enabled) && enabled.ValueKind == JsonValueKind.True ? "yes" : "no";

    private static string Time(JsonElement device, string name) => Output.Time(device, name, "never");
}
