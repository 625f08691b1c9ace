using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Spectre.Console.Rendering;

namespace M2M.Cli.Common;

/// <summary>Output helpers shared by the commands.</summary>
public static class Output
{
    // Relaxed escaping: this JSON goes to a terminal or a script, never into HTML, and "+00:00" should read as such.
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes <paramref name="json"/> (as the gateway sent it) indented, for <c>--json</c>.</summary>
    public static Task WriteJsonAsync(CommandContext context, JsonElement json)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Output.WriteLineAsync(JsonSerializer.Serialize(json, Indented));
    }

    /// <summary>The gateway's JSON with <c>--json</c>, else <paramref name="table"/>'s rendering of it.</summary>
    public static Task WriteAsync(CommandContext context, JsonElement json, Action<CommandContext, JsonElement> table)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(table);
        if (context.Json)
        {
            return WriteJsonAsync(context, json);
        }

        table(context, json);
        return Task.CompletedTask;
    }

    /// <summary>A property as text; empty when absent or null.</summary>
    public static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value.ToString() : string.Empty;

    /// <summary>An array property of strings as "a, b"; empty when absent.</summary>
    public static string List(JsonElement element, string name) =>
        element.TryGetProperty(name, out var values) && values.ValueKind == JsonValueKind.Array
            ? string.Join(", ", values.EnumerateArray().Select(r => r.GetString()))
            : string.Empty;

    /// <summary>A time property as <c>yyyy-MM-dd HH:mm:ssZ</c>; <paramref name="missing"/> when absent or null.</summary>
    public static string Time(JsonElement element, string name, string missing = "") =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, out var time)
            ? time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : missing;

    /// <summary>Table cells as plain text: Spectre.Console would read '[' in a string as markup.</summary>
    public static IRenderable[] Cells(params string[] values) => values.Select(v => (IRenderable)new Spectre.Console.Text(v)).ToArray();
}
