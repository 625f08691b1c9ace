using System.Net.Http.Headers;
using Google.Protobuf;
using M2M.Gateway.Metrics;
using M2M.Gateway.Relay.Http;
using M2M.Gateway.Relay.Prometheus.Wire;

namespace M2M.Gateway.Relay.Prometheus;

/// <summary>
/// Prometheus remote write 1.0 (https://prometheus.io/docs/specs/remote_write_spec/): each numeric
/// field of a record's payload (<see cref="TelemetrySamples"/>) is one sample of the series
/// <c>{MetricName}{device, field, stream, tenant}</c> at the record's device time; a batch is one
/// <c>WriteRequest</c>, protobuf, snappy block format, POSTed with the spec's headers. Refusals and
/// retries: <see cref="BatchingHttpSink{TItem}"/>.
/// </summary>
internal sealed class PrometheusRemoteWriteSink(HttpClient client, PrometheusSinkOptions options, GatewayMetrics metrics, ILogger logger)
    : BatchingHttpSink<TimeSeries[]>("prometheus", client, options.Url!, metrics, logger)
{
    private static readonly MediaTypeHeaderValue Protobuf = new("application/x-protobuf");

    protected override (TimeSeries[]? Item, string? Skipped) Map(RelayRecord record, RelayEvent relayEvent)
    {
        var fields = TelemetrySamples.Read(record, options.MaxFieldsPerRecord);
        if (fields.Count == 0)
        {
            return (null, TelemetrySamples.NoSamples);
        }

        var series = new TimeSeries[fields.Count];
        for (var i = 0; i < fields.Count; i++)
        {
            // The spec's "Labels": sorted by name, __name__ first (an underscore sorts before letters).
            series[i] = new TimeSeries
            {
                Labels =
                {
                    new Label { Name = "__name__", Value = options.MetricName },
                    new Label { Name = "device", Value = record.Device },
                    new Label { Name = "field", Value = fields[i].Field },
                    new Label { Name = "stream", Value = record.Stream },
                    new Label { Name = "tenant", Value = record.Tenant },
                },
                Samples = { new Sample { Value = fields[i].Value, Timestamp = record.SampleTime } },
            };
        }

        return (series, null);
    }

    protected override HttpContent Encode(IReadOnlyList<TimeSeries[]> items)
    {
        var request = new WriteRequest();
        foreach (var series in items)
        {
            request.Timeseries.Add(series);
        }

        var content = new ByteArrayContent(Snappier.Snappy.CompressToArray(request.ToByteArray()));
        content.Headers.ContentType = Protobuf;
        content.Headers.ContentEncoding.Add("snappy");
        content.Headers.Add("X-Prometheus-Remote-Write-Version", "0.1.0");
        return content;
    }
}

/// <summary>Configuration section <c>Gateway:Relay:Prometheus</c> (docs/sinks.md, "Prometheus remote write").</summary>
public sealed class PrometheusSinkOptions : HttpSinkOptions
{
    public PrometheusSinkOptions() => Timeout = TimeSpan.FromSeconds(30);

    /// <summary>The metric name of every sample (the field is a label).</summary>
    public string MetricName { get; set; } = "m2m_telemetry";

    /// <summary>Most fields of one record that become samples (bounds the series per device and stream).</summary>
    public int MaxFieldsPerRecord { get; set; } = 64;
}

/// <summary>The <c>prometheus</c> sink kind: on when <c>Gateway:Relay:Prometheus:Url</c> is set.</summary>
public sealed class PrometheusSinkKind : HttpSinkKind<PrometheusSinkOptions>
{
    public override string Name => "prometheus";

    public override string Section => "Prometheus";

    protected override IEnumerable<string> ValidateBackend(PrometheusSinkOptions options)
    {
        // The Prometheus data model's metric names: [a-zA-Z_:][a-zA-Z0-9_:]*.
        if (string.IsNullOrEmpty(options.MetricName) || char.IsAsciiDigit(options.MetricName[0])
            || !options.MetricName.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or ':'))
        {
            yield return $"{Key("MetricName")} is not a Prometheus metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)";
        }

        if (options.MaxFieldsPerRecord < 1)
        {
            yield return $"{Key("MaxFieldsPerRecord")} must be at least 1";
        }
    }

    protected override IRecordSink Create(PrometheusSinkOptions options, HttpClient client, SinkContext context) =>
        new PrometheusRemoteWriteSink(client, options, context.Services.GetRequiredService<GatewayMetrics>(), context.Logger);
}
