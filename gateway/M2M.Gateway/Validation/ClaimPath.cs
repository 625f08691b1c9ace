using System.Text.Json;

namespace M2M.Gateway.Validation;

/// <summary>
/// Reads a configured claim from a JWT's payload (docs/tokens.md, "Claim mappings"): a top-level
/// claim of exactly that name, or else a path into nested objects separated by dots, as identity
/// providers nest them (Keycloak's <c>realm_access.roles</c>, <c>resource_access.{client}.roles</c>).
/// The exact name wins so that claim names holding dots (URLs, <c>https://example.com/roles</c>)
/// still work, and a segment may hold dots too (<c>kubernetes.io.namespace</c> reads
/// <c>{"kubernetes.io":{"namespace":...}}</c>).
/// </summary>
public static class ClaimPath
{
    /// <summary>The claim's JSON value, or false when it is absent.</summary>
    public static bool TryFind(JsonElement payload, string claim, out JsonElement value)
    {
        value = default;
        if (payload.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        if (payload.TryGetProperty(claim, out value))
        {
            return true;
        }

        // A path: the first segment is the shortest prefix (up to a dot) that names a member, whose
        // own name may hold dots (Kubernetes' "kubernetes.io" in kubernetes.io.namespace); the rest
        // is looked up in that member the same way.
        for (var dot = claim.IndexOf('.', StringComparison.Ordinal); dot > 0 && dot < claim.Length - 1; dot = claim.IndexOf('.', dot + 1))
        {
            if (payload.TryGetProperty(claim[..dot], out var member) && TryFind(member, claim[(dot + 1)..], out value))
            {
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>A claim that is a non-empty JSON string; a number or an object is not taken for one.</summary>
    public static string? Text(JsonElement payload, string claim) =>
        TryFind(payload, claim, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;

    /// <summary>
    /// A claim holding one string or an array of strings (RFC 7519 section 4.1.3 allows both forms for
    /// <c>aud</c>, and providers use both for roles and groups): its strings, other members ignored;
    /// empty when absent.
    /// </summary>
    public static IReadOnlyList<string> Strings(JsonElement payload, string claim)
    {
        if (!TryFind(payload, claim, out var value))
        {
            return [];
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => [value.GetString()!],
            JsonValueKind.Array => [.. value.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!)],
            _ => [],
        };
    }
}
