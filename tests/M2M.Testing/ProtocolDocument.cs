using System.Text.Json;

namespace M2M.Testing;

/// <summary>
/// The test vectors of docs/protocol.md section 10, read from the document itself (copied next to
/// the test assembly by the project file), so the tests check the code against what the spec says.
/// </summary>
public static class ProtocolDocument
{
    private static readonly Lazy<JsonElement> Root = new(Load);

    /// <summary>The parsed ```json test-vectors``` block.</summary>
    public static JsonElement TestVectors => Root.Value;

    /// <summary>Reads the test-vectors block of a protocol document.</summary>
    public static JsonElement ReadTestVectors(string markdown)
    {
        const string Fence = "```json test-vectors";
        var start = markdown.IndexOf(Fence, StringComparison.Ordinal);
        if (start < 0)
        {
            throw new InvalidOperationException("docs/protocol.md has no ```json test-vectors block.");
        }

        start += Fence.Length;
        var end = markdown.IndexOf("```", start, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(markdown[start..end]);
        return document.RootElement.Clone();
    }

    private static JsonElement Load() => ReadTestVectors(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "protocol.md")));
}
