using System.Text.Json;

namespace M2M.Gateway.Policies;

/// <summary>
/// JSON as CEL values (the CEL specification's JSON mapping): objects become maps, arrays lists,
/// strings strings, integral numbers 64-bit integers (<c>int</c>), other numbers doubles, booleans
/// booleans, null null. The expression policies read token claims this way.
/// </summary>
public static class CelValues
{
    /// <summary>A JSON object as a CEL map; an empty map for anything else.</summary>
    public static Dictionary<string, object?> Map(JsonElement json)
    {
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (json.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in json.EnumerateObject())
            {
                map[property.Name] = Value(property.Value);
            }
        }

        return map;
    }

    private static object? Value(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.Object => Map(json),
        JsonValueKind.Array => json.EnumerateArray().Select(Value).ToList(),
        JsonValueKind.String => json.GetString(),
        // Boxed on each branch: a conditional of long and double has the type double, which turned
        // every integral claim (m2m_gen, iat, exp) into a CEL double.
        JsonValueKind.Number => json.TryGetInt64(out var integer) ? (object)integer : json.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };
}
