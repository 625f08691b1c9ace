using System.Globalization;
using System.Text.Json;

namespace M2M.Gateway.Relay;

/// <summary>
/// A relayed event read back into its fields, for sinks that send more than the event's JSON (NATS
/// headers and subjects, database columns, labels): the record format (docs/ingress.md, "Relayed
/// records") is the contract, and dead letters are redelivered from the event alone. Every context
/// attribute is kept as the exact string the event carries, since the gateway's signature covers
/// those strings; the numbers are parsed from them.
/// </summary>
public sealed class RelayRecord
{
    private const string TelemetryLevel = "telemetry";

    private RelayRecord(IReadOnlyList<KeyValuePair<string, string>> attributes, byte[] data)
    {
        Attributes = attributes;
        Data = data;
        string Get(string name) => attributes.FirstOrDefault(a => a.Key == name).Value
            ?? throw new InvalidDataException($"The event has no attribute {name}.");
        Id = Get("id");
        Subject = Get("subject");
        Time = Get("time");
        ContentType = attributes.FirstOrDefault(a => a.Key == "datacontenttype").Value;
        Device = Get("m2mdevice");
        Tenant = Get("m2mtenant");
        Generation = Number(Get("m2mgeneration"));
        Epoch = (uint)Number(Get("m2mepoch"));
        Sequence = (uint)Number(Get("m2mseq"));
        DeviceTime = Number(Get("m2mdevicetime"));
        GatewayTime = Number(Get("m2mgatewaytime"));
        Position = Number(Get("m2mposition"));
        DeviceSignature = Get("m2mdevicesig");
        GatewaySignature = Get("m2mgatewaysig");
        LeafIndex = Number(Get("m2mleafindex"));
        AuditPath = Get("m2mauditpath");
        Stream = StreamOf(Subject, Device);
    }

    /// <summary>Every context attribute (all but <c>data_base64</c>), in the event's order, as the event carries it.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Attributes { get; }

    /// <summary>The exact payload bytes.</summary>
    public byte[] Data { get; }

    /// <summary>The CloudEvents <c>id</c>: <c>{device}/{generation}/{epoch}/{seq}</c>, unique per accepted message.</summary>
    public string Id { get; }

    /// <summary>The MQTT topic.</summary>
    public string Subject { get; }

    /// <summary>The <c>time</c> attribute (gateway time, RFC 3339).</summary>
    public string Time { get; }

    /// <summary>The payload's content type, or null.</summary>
    public string? ContentType { get; }

    public string Device { get; }

    public string Tenant { get; }

    /// <summary>The device's credential generation when it sent the message.</summary>
    public long Generation { get; }

    public uint Epoch { get; }

    public uint Sequence { get; }

    /// <summary>Device time (<c>m2m-ts</c>), Unix milliseconds; 0 when the device did not know the time.</summary>
    public long DeviceTime { get; }

    /// <summary>Gateway time of acceptance, Unix milliseconds.</summary>
    public long GatewayTime { get; }

    /// <summary>
    /// The record's time in a time-series or log backend (Prometheus, Loki): the device's time, or
    /// the gateway's when the device sent 0 (time unknown, docs/protocol.md section 6). Both are in
    /// the event, so a redelivery carries the same time and the backend sees the same sample.
    /// </summary>
    public long SampleTime => DeviceTime > 0 ? DeviceTime : GatewayTime;

    /// <summary>Journal position (per gateway).</summary>
    public long Position { get; }

    public string DeviceSignature { get; }

    /// <summary>The batch JWS, verifiable with the gateway's JWKS.</summary>
    public string GatewaySignature { get; }

    public long LeafIndex { get; }

    public string AuditPath { get; }

    /// <summary>
    /// The record's stream (docs/sinks.md, "Streams"): <c>{stream}</c> for the topic
    /// <c>devices/{device}/telemetry/{stream}</c>, <c>telemetry</c> for <c>devices/{device}/telemetry</c>,
    /// and the whole topic for any other topic an authorization rule allowed.
    /// </summary>
    public string Stream { get; }

    /// <summary>Reads an event as <see cref="RecordBatchBuilder"/> writes it.</summary>
    /// <exception cref="InvalidDataException">It is not such an event.</exception>
    public static RelayRecord Parse(ReadOnlySpan<byte> eventJson)
    {
        var attributes = new List<KeyValuePair<string, string>>(24);
        byte[]? data = null;
        try
        {
            var reader = new Utf8JsonReader(eventJson);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new InvalidDataException("The event is not a JSON object.");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                reader.Read();
                if (name == "data_base64")
                {
                    data = reader.GetBytesFromBase64();
                }
                else if (reader.TokenType == JsonTokenType.String)
                {
                    attributes.Add(new(name, reader.GetString()!));
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException("The event is not valid JSON.", exception);
        }
        catch (FormatException exception)
        {
            throw new InvalidDataException("The event's data_base64 is not base64.", exception);
        }

        return new RelayRecord(attributes, data ?? []);
    }

    /// <summary>
    /// Reads the event sink <paramref name="sink"/> is delivering; one that cannot be read fails
    /// that event (<see cref="SinkDeliveryException"/> <c>{sink} unreadable event</c>: retried, then
    /// dead-lettered, where an operator can see it).
    /// </summary>
    public static RelayRecord Read(RelayEvent relayEvent, string sink)
    {
        try
        {
            return Parse(relayEvent.Json.Span);
        }
        catch (InvalidDataException exception)
        {
            throw new SinkDeliveryException($"{sink} unreadable event", exception);
        }
    }

    private static long Number(string text) => long.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);

    private static string StreamOf(string topic, string device)
    {
        var prefix = $"devices/{device}/{TelemetryLevel}";
        if (topic == prefix)
        {
            return TelemetryLevel;
        }

        return topic.StartsWith(prefix + "/", StringComparison.Ordinal) && topic.Length > prefix.Length + 1
            ? topic[(prefix.Length + 1)..]
            : topic;
    }
}
