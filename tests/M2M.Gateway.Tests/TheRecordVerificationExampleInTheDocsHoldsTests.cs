using System.Buffers.Text;
using System.Text.Json;
using M2M.Gateway.Tests.Support;

namespace M2M.Gateway.Tests;

/// <summary>
/// The worked example of docs/ingress.md ("Verifying a record") is what a consumer in another
/// language follows: its event verifies with its JWKS and issuer alone, and each intermediate value
/// it shows (leaf data, leaf hash, audit path, each fold, root) is what the reference verifier computes.
/// </summary>
public sealed class TheRecordVerificationExampleInTheDocsHoldsTests
{
    private static readonly JsonElement Example = Read();

    [Fact]
    public void TheExampleEventVerifiesWithTheExampleJwks()
    {
        var keys = RecordVerifier.KeysOf(Example.GetProperty("jwks").GetRawText());

        Assert.Null(RecordVerifier.Check(Event, keys, Example.GetProperty("issuer").GetString()));
    }

    [Fact]
    public void EachIntermediateValueIsWhatAConsumerComputes()
    {
        var path = Example.GetProperty("audit_path_hex").EnumerateArray().Select(h => Convert.FromHexString(h.GetString()!)).ToList();
        var folds = Example.GetProperty("fold_hex").EnumerateArray().Select(h => h.GetString()).ToList();
        var root = Example.GetProperty("root_hash_hex").GetString();

        Assert.Equal(Example.GetProperty("leaf_data_hex").GetString(), Convert.ToHexStringLower(RecordVerifier.LeafData(Event)));
        Assert.Equal(Example.GetProperty("leaf_hash_hex").GetString(), Convert.ToHexStringLower(RecordVerifier.LeafHash(Event)));
        Assert.Equal(Base64Url.DecodeFromChars(Event.GetProperty("m2mauditpath").GetString()!), path.SelectMany(p => p).ToArray());
        Assert.Equal(folds[0], Convert.ToHexStringLower(RecordVerifier.Fold(RecordVerifier.LeafHash(Event), 1, 2, path[0])!));
        Assert.Equal(folds[1], Convert.ToHexStringLower(RecordVerifier.Fold(RecordVerifier.LeafHash(Event), 1, 3, [.. path.SelectMany(p => p)])!));
        Assert.Equal(root, folds[^1]);
        Assert.Equal(root, Convert.ToHexStringLower(Base64Url.DecodeFromChars(RecordVerifier.BatchClaims(Event).GetProperty("root_hash").GetString()!)));
    }

    private static JsonElement Event => Example.GetProperty("event");

    private static JsonElement Read()
    {
        const string Fence = "```json record-example";
        var markdown = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "ingress.md"));
        var start = markdown.IndexOf(Fence, StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/ingress.md has no ```json record-example block.");
        start += Fence.Length;
        using var document = JsonDocument.Parse(markdown[start..markdown.IndexOf("```", start, StringComparison.Ordinal)]);
        return document.RootElement.Clone();
    }
}
