using System.Text.Json;
using M2M.Cli.Common;
using static M2M.Cli.Common.Output;
using Spectre.Console;

namespace M2M.Cli.Keys;

/// <summary>How API keys and service clients (stored and described alike) are shown: tables for people, the gateway's JSON for scripts.</summary>
public static class KeyView
{
    /// <summary>A table with one row per key.</summary>
    public static void WriteList(CommandContext context, JsonElement keys) => WriteList(context, keys, "key(s)");

    /// <summary>A table with one row per service client.</summary>
    public static void WriteClientList(CommandContext context, JsonElement clients) => WriteList(context, clients, "client(s)");

    /// <summary>One key, and the key itself when the answer carries it (create, rotate).</summary>
    public static void WriteKey(CommandContext context, JsonElement key) => WriteOne(context, key, "key", "API key");

    /// <summary>One service client, and its client secret when the answer carries it (create, rotate).</summary>
    public static void WriteClient(CommandContext context, JsonElement client) => WriteOne(context, client, "secret", "Client secret");

    private static void WriteList(CommandContext context, JsonElement keys, string unit)
    {
        var table = new Table().AddColumns("ID", "NAME", "ROLES", "TENANT", "STATE", "EXPIRES", "LAST USED");
        foreach (var key in keys.EnumerateArray())
        {
            table.AddRow(Cells(Text(key, "id"), Text(key, "name"), List(key, "roles"), Tenant(key), Text(key, "state"), Time(key, "expiresAt", "never"), Time(key, "lastUsedAt", "never")));
        }

        var console = context.Console;
        console.Write(table);
        console.WriteLine($"{keys.GetArrayLength()} {unit}");
    }

    /// <summary>One key or client as a two-column table, and its secret (<paramref name="secretMember"/>) when the answer carries it.</summary>
    private static void WriteOne(CommandContext context, JsonElement key, string secretMember, string secretName)
    {
        var table = new Table().AddColumns("FIELD", "VALUE").HideHeaders();
        table.AddRow(Cells("id", Text(key, "id")));
        table.AddRow(Cells("name", Text(key, "name")));
        table.AddRow(Cells("roles", List(key, "roles")));
        table.AddRow(Cells("tenant", Tenant(key)));
        table.AddRow(Cells("state", Text(key, "state")));
        table.AddRow(Cells("created", Time(key, "createdAt")));
        table.AddRow(Cells("secret since", Time(key, "secretSince")));
        if (key.TryGetProperty("generation", out var generation))
        {
            table.AddRow(Cells("generation", generation.ToString()));
        }

        table.AddRow(Cells("expires", Time(key, "expiresAt", "never")));
        table.AddRow(Cells("revoked", Time(key, "revokedAt", "no")));
        table.AddRow(Cells("last used", Time(key, "lastUsedAt", "never")));
        var console = context.Console;
        console.Write(table);
        if (key.TryGetProperty(secretMember, out var secret))
        {
            // The secret is returned by create and rotate only; the gateway keeps only its hash.
            console.WriteLine();
            console.WriteLine($"{secretName}, shown only this once (the gateway keeps only its hash); store it now:");
            console.WriteLine();
            console.WriteLine("    " + secret.GetString());
            console.WriteLine();
        }
    }

    private static string Tenant(JsonElement key) => Text(key, "tenant") is { Length: > 0 } tenant ? tenant : "(all)";
}
