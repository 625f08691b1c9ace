using System.Text.Json;

namespace M2M.Gateway.Relay.Prometheus;

/// <summary>
/// Which fields of a telemetry payload become samples (docs/sinks.md, "Payload to series"): the
/// payload is parsed as JSON when its content type is absent or JSON (<c>application/json</c>,
/// <c>*+json</c>) and is an object; each number becomes a sample named by its field, each boolean a
/// sample of 1 or 0; nested objects are walked and their fields named by the path joined with dots
/// (<c>env.temp</c>) down to <see cref="MaxDepth"/> levels; strings, nulls and arrays are left out
/// (an array's length varies from message to message, and each index would be a series). At most
/// <c>MaxFieldsPerRecord</c> fields of a record are kept, in payload order, to bound the series a
/// device can create.
/// </summary>
public static class TelemetrySamples
{
    /// <summary>Levels of nested objects walked (the top level is 1).</summary>
    public const int MaxDepth = 4;

    /// <summary>Longest field path kept, in characters; a longer one is left out.</summary>
    public const int MaxFieldLength = 128;

    /// <summary>The reason a record maps to no sample (<c>m2m_relay_skipped_total</c>).</summary>
    public const string NoSamples = "no_samples";

    /// <summary>The numeric fields of <paramref name="record"/>'s payload, at most <paramref name="maxFields"/>.</summary>
    public static IReadOnlyList<(string Field, double Value)> Read(RelayRecord record, int maxFields)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!IsJson(record.ContentType) || record.Data.Length == 0)
        {
            return [];
        }

        try
        {
            using var document = JsonDocument.Parse(record.Data);
            var samples = new List<(string, double)>();
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                Walk(document.RootElement, string.Empty, 1, samples, maxFields);
            }

            return samples;
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static bool IsJson(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return true;
        }

        var media = contentType.Split(';')[0].Trim();
        return media.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }

    private static void Walk(JsonElement element, string prefix, int depth, List<(string, double)> samples, int maxFields)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (samples.Count >= maxFields)
            {
                return;
            }

            var field = prefix + property.Name;
            if (field.Length > MaxFieldLength || property.Name.Length == 0)
            {
                continue;
            }

            switch (property.Value.ValueKind)
            {
                case JsonValueKind.Number:
                    samples.Add((field, property.Value.GetDouble()));
                    break;
                case JsonValueKind.True:
                    samples.Add((field, 1));
                    break;
                case JsonValueKind.False:
                    samples.Add((field, 0));
                    break;
                case JsonValueKind.Object when depth < MaxDepth:
                    Walk(property.Value, field + ".", depth + 1, samples, maxFields);
                    break;
            }
        }
    }
}
