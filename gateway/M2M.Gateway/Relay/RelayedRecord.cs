using System.Globalization;
using System.Text.Json;

namespace M2M.Gateway.Relay;

/// <summary>
/// The fields of a relayed event (docs/ingress.md, "Relayed records") that sinks which map records
/// onto their backend's own model (series, log streams) need, read back from the event's JSON: the
/// event is the contract, and dead letters are redelivered from it alone.
/// </summary>
/// <param name="Id">The CloudEvents <c>id</c>, <c>{device}/{generation}/{epoch}/{seq}</c>.</param>
/// <param name="Device">The device (<c>m2mdevice</c>).</param>
/// <param name="Tenant">Its tenant (<c>m2mtenant</c>).</param>
/// <param name="Stream">The topic's <c>{stream}</c> (docs/protocol.md section 5.2), or <see cref="DefaultStream"/> for <c>devices/{id}/telemetry</c>.</param>
/// <param name="DeviceTime">The device's time, Unix milliseconds; 0 when the device did not know it.</param>
/// <param name="GatewayTime">When the gateway accepted the record, Unix milliseconds.</param>
/// <param name="ContentType">The PUBLISH content type, or null.</param>
/// <param name="Payload">The payload bytes.</param>
/// <param name="Event">The whole event, as relayed.</param>
public sealed record RelayedRecord(string Id, string Device, string Tenant, string Stream, long DeviceTime, long GatewayTime, string? ContentType, byte[] Payload, string Event)
{
    /// <summary>The stream of records published on <c>devices/{id}/telemetry</c>, which names none.</summary>
    public const string DefaultStream = "default";

    /// <summary>
    /// The record's time on the backend: the device's time, or the gateway's when the device sent 0
    /// (time unknown, docs/protocol.md section 6). Both are journaled, so a redelivery carries the same time.
    /// </summary>
    public long Time => DeviceTime > 0 ? DeviceTime : GatewayTime;

    /// <summary>Reads an event this gateway built; <see cref="InvalidDataException"/> if it is not one.</summary>
    public static RelayedRecord Parse(ReadOnlyMemory<byte> json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var subject = Text(root, "subject");
        return new RelayedRecord(
            Text(root, "id"),
            Text(root, "m2mdevice"),
            Text(root, "m2mtenant"),
            StreamOf(subject),
            Number(root, "m2mdevicetime"),
            Number(root, "m2mgatewaytime"),
            root.TryGetProperty("datacontenttype", out var type) ? type.GetString() : null,
            root.TryGetProperty("data_base64", out var data) ? data.GetBytesFromBase64() : [],
            System.Text.Encoding.UTF8.GetString(json.Span));
    }

    /// <summary><c>devices/{id}/telemetry/{stream}</c> → <c>{stream}</c>; any other topic → <see cref="DefaultStream"/>.</summary>
    public static string StreamOf(string topic)
    {
        var parts = topic.Split('/');
        return parts.Length == 4 && parts[2] == "telemetry" && parts[3].Length > 0 ? parts[3] : DefaultStream;
    }

    private static string Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new InvalidDataException($"The event has no string attribute {name}.");

    private static long Number(JsonElement root, string name) =>
        long.TryParse(Text(root, name), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InvalidDataException($"The event's {name} is not an unsigned decimal integer.");
}
