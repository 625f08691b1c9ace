using System.Text.Json;

namespace M2M.Gateway.Validation;

/// <summary>
/// Reads a configured claim from a JWT's payload (docs/tokens.md, "Claim mappings"): a top-level
/// claim of exactly that name, or else a path into nested objects separated by dots, as identity
/// providers nest them (Keycloak's <c>realm_access.roles</c>, <c>resource_access.{client}.roles</c>).
/// The exact name wins so that claim names holding dots (URLs, <c>https://example.com/roles</c>)
/// still work.
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

        var current = payload;
        foreach (var segment in claim.Split('.'))
        {
            if (segment.Length == 0 || current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(segment, out current))
            {
                value = default;
                return false;
            }
        }

        value = current;
        return true;
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
