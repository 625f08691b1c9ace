using System.Net.Http.Headers;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using M2M.Gateway.Metrics;
using M2M.Gateway.Relay.Http;
using M2M.Gateway.Relay.Loki.Wire;

namespace M2M.Gateway.Relay.Loki;

/// <summary>
/// Loki's push API (<c>POST /loki/api/v1/push</c>, protobuf <c>PushRequest</c>, snappy block
/// format): one log line per record, the whole relayed event as it is (so the line carries every
/// provenance attribute and the gateway's proof, and verifies on its own), in the stream
/// <c>{device, stream, tenant}</c> at the record's device time. Loki drops an entry identical in
/// stream, time and line to one it holds, so a batch pushed again after an outage is stored once.
/// Refusals and retries: <see cref="BatchingHttpSink{TItem}"/>.
/// </summary>
public sealed class LokiPushSink : BatchingHttpSink<LokiPushSink.Entry>
{
    private static readonly MediaTypeHeaderValue Protobuf = new("application/x-protobuf");

    public LokiPushSink(HttpClient client, LokiSinkOptions options, GatewayMetrics metrics, ILogger logger)
        : base("loki", client, options.Url!, metrics, logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrEmpty(options.OrgId))
        {
            // Loki's tenant in a multi-tenant installation (its X-Scope-OrgID header).
            client.DefaultRequestHeaders.Add("X-Scope-OrgID", options.OrgId);
        }
    }

    protected override (Entry? Item, string? Skipped) Map(RelayRecord record, RelayEvent relayEvent) =>
        (new Entry(Labels(record), record.SampleTime, Encoding.UTF8.GetString(relayEvent.Json.Span)), null);

    protected override HttpContent Encode(IReadOnlyList<Entry> items)
    {
        var request = new PushRequest();
        foreach (var stream in items.GroupBy(i => i.Labels, StringComparer.Ordinal))
        {
            var adapter = new StreamAdapter { Labels = stream.Key };
            foreach (var entry in stream)
            {
                adapter.Entries.Add(new EntryAdapter { Timestamp = Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(entry.Time)), Line = entry.Line });
            }

            request.Streams.Add(adapter);
        }

        var content = new ByteArrayContent(Snappier.Snappy.CompressToArray(request.ToByteArray()));
        content.Headers.ContentType = Protobuf;
        return content;
    }

    /// <summary>The stream's labels in Prometheus text form, values escaped as PromQL/LogQL strings (backslash, quote, newline).</summary>
    public static string Labels(RelayRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return $"{{device=\"{Escape(record.Device)}\", stream=\"{Escape(record.Stream)}\", tenant=\"{Escape(record.Tenant)}\"}}";
    }

    private static string Escape(string value) =>
        new StringBuilder(value).Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n").ToString();

    /// <summary>One record as a Loki entry.</summary>
    /// <param name="Labels">Its stream.</param>
    /// <param name="Time">Its time, Unix milliseconds.</param>
    /// <param name="Line">The relayed event.</param>
    public sealed record Entry(string Labels, long Time, string Line);
}

/// <summary>Configuration section <c>Gateway:Relay:Loki</c> (docs/sinks.md, "Loki").</summary>
public sealed class LokiSinkOptions : HttpSinkOptions
{
    public LokiSinkOptions() => Timeout = TimeSpan.FromSeconds(30);

    /// <summary>Loki's tenant (<c>X-Scope-OrgID</c>) when Loki runs multi-tenant; none by default.</summary>
    public string? OrgId { get; set; }
}

/// <summary>The <c>loki</c> sink kind: on when <c>Gateway:Relay:Loki:Url</c> is set.</summary>
public sealed class LokiSinkKind : HttpSinkKind<LokiSinkOptions>
{
    public override string Name => "loki";

    public override string Section => "Loki";

    protected override IEnumerable<string> ValidateBackend(LokiSinkOptions options)
    {
        // An HTTP header value: visible ASCII, no separators Loki's tenant ids refuse.
        if (options.OrgId != null && (options.OrgId.Length is 0 or > 150 || !options.OrgId.All(c => char.IsAsciiLetterOrDigit(c) || "!-_.*'()".Contains(c, StringComparison.Ordinal))))
        {
            yield return $"{Key("OrgId")} is not a Loki tenant id (1 to 150 of a-z A-Z 0-9 ! - _ . * ' ( ))";
        }
    }

    protected override IRecordSink Create(LokiSinkOptions options, HttpClient client, SinkContext context) =>
        new LokiPushSink(client, options, context.Services.GetRequiredService<GatewayMetrics>(), context.Logger);
}
