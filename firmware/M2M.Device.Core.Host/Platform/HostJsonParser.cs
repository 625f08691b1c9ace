using System.Collections;
using System.Text.Json;
using M2M.Device.Core.Platform;

namespace M2M.Device.Core.Host.Platform;

/// <summary>JSON objects read with System.Text.Json into the shapes nanoFramework.Json produces.</summary>
public sealed class HostJsonParser : IJsonParser
{
    /// <inheritdoc />
    public Hashtable? ParseObject(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object ? (Hashtable)Convert(document.RootElement)! : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static object? Convert(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var members = new Hashtable();
                foreach (var member in element.EnumerateObject())
                {
                    members[member.Name] = Convert(member.Value);
                }

                return members;
            case JsonValueKind.Array:
                var items = new ArrayList();
                foreach (var item in element.EnumerateArray())
                {
                    items.Add(Convert(item));
                }

                return items;
            case JsonValueKind.String:
                return element.GetString();
            case JsonValueKind.Number:
                return element.TryGetInt64(out var integer) ? integer : element.GetDouble();
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            default:
                return null;
        }
    }
}
