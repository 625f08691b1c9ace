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

    /// <summary>Table cells as plain text: Spectre.Console would read '[' in a string as markup.</summary>
    public static IRenderable[] Cells(params string[] values) => values.Select(v => (IRenderable)new Spectre.Console.Text(v)).ToArray();
}
